"""Phone normalisation and masking."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from membership.errors import DomainError
from membership.members.phones import _cn_mobile, _parse, mask_phone, normalize_phone


@pytest.mark.parametrize(
    "raw", ["13812348000", "+86 138 1234 8000", "138-1234-8000", "008613812348000"]
)
def test_chinese_mobiles_normalise_to_e164(raw: str) -> None:
    assert normalize_phone(raw, ["phone"]) == "+8613812348000"


@pytest.mark.parametrize("raw", ["", "12345", "abc", "+8612345", "+14155552671"])
def test_malformed_or_foreign_numbers_are_invalid(raw: str) -> None:
    with pytest.raises(DomainError) as info:
        normalize_phone(raw, ["input", "phone"])
    assert info.value.field == ["input", "phone"]


def test_other_regions_can_be_allowed() -> None:
    assert normalize_phone("+85291234567", ["p"], allowed_regions=("CN", "HK")) == "+85291234567"


def test_mask_hides_the_middle_four_digits() -> None:
    assert mask_phone("+8613812348000") == "+86138****8000"


@given(st.integers(min_value=0, max_value=99_999_999))
def test_masking_always_hides_four_digits_and_keeps_the_last_four(n: int) -> None:
    phone = f"+86138{n:08d}"
    masked = mask_phone(phone)
    assert masked.count("*") == 4
    assert masked.endswith(phone[-4:])
    assert phone[6:10] not in masked[6:10] or phone[6:10] == "****"


def _parsed_in_full(text: str, allowed: tuple[str, ...] = ("CN",)) -> str | None:
    e164, _, _ = _parse.__wrapped__(text, "CN", allowed)  # type: ignore[attr-defined]
    return e164


def test_a_typed_mobile_number_normalises_as_phonenumbers_parses_it() -> None:
    # every four-digit start of an 11-digit number, typed bare and with +86, against the full
    # parse: the fast path for typed mobiles must answer exactly what phonenumbers does
    fast = 0
    for prefix, suffix in itertools.product(range(1000, 2000), (0, 1_234_567, 9_999_999)):
        for text in (f"{prefix}{suffix:07d}", f"+86{prefix}{suffix:07d}"):
            full = _parsed_in_full(text)
            if full is None:
                with pytest.raises(DomainError):
                    normalize_phone(text, ["phone"])
            else:
                assert normalize_phone(text, ["phone"]) == full, text
            if _cn_mobile(text) is not None:
                assert _cn_mobile(text) == full, text
                fast += 1
    assert fast > 1000  # the mobile ranges do take the fast path


@given(st.from_regex(r"\A\+?[0-9０-９]{0,3}1[0-9０-９]{9,11}\Z"))
def test_any_digits_normalise_as_phonenumbers_parses_them(text: str) -> None:
    full = _parsed_in_full(text)
    if full is None:
        with pytest.raises(DomainError):
            normalize_phone(text, ["phone"])
    else:
        assert normalize_phone(text, ["phone"]) == full


def test_a_mobile_is_refused_where_chinese_numbers_are_not_accepted() -> None:
    with pytest.raises(DomainError):
        normalize_phone("13812348000", ["phone"], allowed_regions=("HK",))
    assert _parsed_in_full("13812348000", ("HK",)) is None
