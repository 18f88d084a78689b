"""Phone numbers: E.164 with phonenumbers (default region CN), and masking for display."""

from __future__ import annotations

from collections.abc import Collection

import phonenumbers

from membership.errors import DomainError, ErrorCode

__all__ = ["mask_phone", "normalize_phone"]


def normalize_phone(
    raw: str, field: list[str], region: str = "CN", allowed_regions: Collection[str] = ("CN",)
) -> str:
    """Return the E.164 form of a valid number from an allowed region, or raise ``INVALID``."""
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise DomainError(
            ErrorCode.INVALID, "'{raw}' is not a phone number.", field, raw=raw
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise DomainError(ErrorCode.INVALID, "'{raw}' is not a valid phone number.", field, raw=raw)
    number_region = phonenumbers.region_code_for_number(number)
    if number_region not in allowed_regions:
        raise DomainError(
            ErrorCode.INVALID,
            "Phone numbers from {number_region} are not accepted here (accepted: {accepted}).",
            field,
            number_region=number_region,
            accepted=", ".join(allowed_regions),
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


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
