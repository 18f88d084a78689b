"""Which text PostgreSQL can store: everything but NUL and unpaired surrogates."""

from __future__ import annotations

import pytest

from membership.storable_text import is_storable


@pytest.mark.parametrize(
    "text", ["", "plain ascii", "张三 · 会员", "emoji 🎉 outside the BMP", "tab\tand\nnewline"]
)
def test_ordinary_text_is_storable(text: str) -> None:
    assert is_storable(text)


@pytest.mark.parametrize(
    "text", ["\x00", "a\x00b", "张\x00三", "\ud800", "lone low \udfff", "surrogate-escaped \udcff"]
)
def test_nul_and_unpaired_surrogates_are_not(text: str) -> None:
    assert not is_storable(text)
