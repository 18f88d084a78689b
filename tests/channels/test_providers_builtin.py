"""The built-in providers as the platform registers them."""

from __future__ import annotations

import re

from plugins.builtin.providers import PROVIDERS


def test_every_provider_has_a_unique_lower_case_name() -> None:
    names = [provider.name for provider in PROVIDERS]
    assert names == [
        "aliyun_sms",
        "tencent_sms",
        "wechat_template",
        "wechat_subscribe",
        "wecom_customer",
        "wecom_app",
    ]
    assert all(name == name.lower() for name in names)


def test_every_title_is_bilingual_and_every_endpoint_https() -> None:
    for provider in PROVIDERS:
        assert re.search(r"[A-Za-z].*\([\u4e00-\u9fff]+\)$", provider.title), provider.title
        assert provider.default_base_url.startswith("https://"), provider.name


def test_every_credential_example_fits_its_own_pattern() -> None:
    for provider in PROVIDERS:
        for spec in provider.credential_fields:
            re.compile(spec.pattern)
            if spec.example:
                assert re.fullmatch(spec.pattern, spec.example), (provider.name, spec.name)
