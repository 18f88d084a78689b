"""Phone numbers: E.164 with phonenumbers (default region CN), and masking for display."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection

import phonenumbers
from phonenumbers import PhoneMetadata

from membership.errors import DomainError, ErrorCode

__all__ = ["mask_phone", "normalize_phone"]


def normalize_phone(
    raw: str, field: list[str], region: str = "CN", allowed_regions: Collection[str] = ("CN",)
) -> str:
    """Return the E.164 form of a valid number from an allowed region, or raise ``INVALID``."""
    text = raw.strip()
    if region == "CN" and "CN" in allowed_regions:
        mobile = _cn_mobile(text)
        if mobile is not None:
            return mobile
    e164, problem, params = _parse(text, region, tuple(allowed_regions))
    if e164 is None:
        raise DomainError(ErrorCode.INVALID, problem, field, raw=raw, **params)
    return e164


# A Chinese mobile number as a till types it (11 ASCII digits, or +86 and those digits) whose
# digits are a mobile number by phonenumbers' own metadata. phonenumbers parses such a text to
# exactly these digits (no national or carrier prefix starts a mobile number), so its E.164 form
# is "+86" and the digits. Anything else is parsed in full.
_CN_TYPED = re.compile(r"(?:\+86)?(1[0-9]{10})", re.ASCII)


def _mobile_pattern(region: str) -> re.Pattern[str]:
    metadata = PhoneMetadata.metadata_for_region(region)
    mobile = metadata.mobile if metadata is not None else None
    pattern = mobile.national_number_pattern if mobile is not None else None
    if not isinstance(pattern, str):
        raise RuntimeError(f"phonenumbers has no mobile pattern for {region}")
    return re.compile(pattern, re.ASCII)


_CN_MOBILE_DIGITS = _mobile_pattern("CN")


def _cn_mobile(text: str) -> str | None:
    typed = _CN_TYPED.fullmatch(text)
    if typed is None or _CN_MOBILE_DIGITS.fullmatch(typed[1]) is None:
        return None
    return "+86" + typed[1]


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
