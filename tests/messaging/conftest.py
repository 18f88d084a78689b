"""The providers these tests talk to listen on 127.0.0.1."""

from __future__ import annotations

import pytest

from membership.settings import get_settings


@pytest.fixture(autouse=True)
def allow_local_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "channels_allow_private_urls", True)
