"""Phone numbers: E.164 with phonenumbers (default region CN), and masking for display."""

from __future__ import annotations

import functools
from collections.abc import Collection

import phonenumbers

from membership.errors import DomainError, ErrorCode

__all__ = ["mask_phone", "normalize_phone"]


def normalize_phone(
    raw: str, field: list[str], region: str = "CN", allowed_regions: Collection[str] = ("CN",)
) -> str:
    """Return the E.164 form of a valid number from an allowed region, or raise ``INVALID``."""
    e164, problem, params = _parse(raw.strip(), region, tuple(allowed_regions))
    if e164 is None:
        raise DomainError(ErrorCode.INVALID, problem, field, raw=raw, **params)
    return e164


@functools.lru_cache(maxsize=16_384)
def _parse(
    raw: str, region: str, allowed: tuple[str, ...]
) -> tuple[str | None, str, dict[str, str]]:
    """The E.164 form, or None with the problem's message and its parameters.

    Parsing is most of what a lookup by phone costs the API, and a till asks for the same
    customers again and again: the answers are kept, per text, region and allowed regions.
    """
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None, "'{raw}' is not a phone number.", {}
    if not phonenumbers.is_valid_number(number):
        return None, "'{raw}' is not a valid phone number.", {}
    number_region = phonenumbers.region_code_for_number(number)
    if number_region not in allowed:
        return (
            None,
            "Phone numbers from {number_region} are not accepted here (accepted: {accepted}).",
            {"number_region": str(number_region), "accepted": ", ".join(allowed)},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), "", {}


def mask_phone(e164: str) -> str:
    """Hide the middle four digits of the national number: +8613812348000 → +86138****8000."""
    try:
        number = phonenumbers.parse(e164, None)
        prefix = f"+{number.country_code}"
        national = str(number.national_number)
    except phonenumbers.NumberParseException:
        prefix, national = "", e164
    if len(national) <= 4:
        return prefix + "*" * len(national)
    keep_head = max(0, min(3, len(national) - 8))
    if len(national) >= 11:
        keep_head = 3
    head = national[:keep_head]
    tail = national[keep_head + 4 :]
    return f"{prefix}{head}****{tail}"
