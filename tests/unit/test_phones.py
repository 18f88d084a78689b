"""Phone normalisation and masking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from membership.errors import DomainError
from membership.members.phones import mask_phone, normalize_phone


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
