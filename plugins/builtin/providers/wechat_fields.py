"""The limits WeChat puts on one keyword of a subscribe message or a category template message,
by the keyword's type: the field name without its trailing digits ("thing1" is a ``thing``).

The table is WeChat's "参数值内容限制说明", shared by mini-program subscribe messages and the
official account's category templates (类目模板), which both answer 47003 to a value outside
it. Where WeChat states a format rather than a length (``time``, ``date``) the pattern is the
real rule and ``max_chars`` only bounds a range of two full date-times.
"""

from __future__ import annotations

from plugins.channels import FieldRule

__all__ = ["keyword_rule", "keyword_type"]

_HAN = "\u4e00-\u9fff"
_DATE = r"\d{4}(?:年\d{1,2}月\d{1,2}日|-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2})"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_POINT_IN_TIME = rf"(?:{_DATE}\s*)?{_TIME}"
_DAY = rf"{_DATE}(?:\s*{_TIME})?"

_RULES: dict[str, FieldRule] = {
    "thing": FieldRule(20, None, "at most 20 characters"),
    "number": FieldRule(32, r"\d+(?:\.\d+)?", "at most 32 digits, decimals allowed"),
    "letter": FieldRule(32, r"[A-Za-z]+", "at most 32 letters"),
    "symbol": FieldRule(5, rf"[^\sA-Za-z0-9{_HAN}]+", "at most 5 symbols"),
    "character_string": FieldRule(
        32, r"[\x21-\x7e]+", "at most 32 digits, letters or symbols (no Chinese, no spaces)"
    ),
    "time": FieldRule(
        50,
        rf"{_POINT_IN_TIME}(?:\s*~\s*{_POINT_IN_TIME})?",
        "a 24-hour time, optionally after a date (15:01, 2019年10月1日 15:01); "
        "a range joins two with ~",
    ),
    "date": FieldRule(
        50,
        rf"{_DAY}(?:\s*~\s*{_DAY})?",
        "a date, optionally with a 24-hour time (2019年10月1日 15:01); a range joins two with ~",
    ),
    "amount": FieldRule(
        15,
        r"[¥￥$€£]?\d{1,10}(?:\.\d{1,2})?元?",
        "an amount: one currency sign, at most 10 digits, decimals allowed, may end with 元",
    ),
    "phone_number": FieldRule(
        17, r"[0-9+\-*() ]+", "a phone number of at most 17 digits and symbols"
    ),
    "car_number": FieldRule(
        8,
        rf"[{_HAN}A-Za-z0-9][A-Za-z0-9]*[{_HAN}]?",
        "a licence plate of at most 8 characters; only the first and last may be Chinese",
    ),
    # WeChat counts a name with any Chinese as a Chinese name (at most 10), else 20 letters
    "name": FieldRule(
        20,
        rf"(?=.*[{_HAN}]).{{1,10}}|[^{_HAN}]{{1,20}}",
        "a name: at most 10 characters with Chinese, or 20 letters or symbols without",
    ),
    "phrase": FieldRule(5, rf"[{_HAN}]{{1,5}}", "at most 5 Chinese characters"),
}


def keyword_type(field_name: str) -> str:
    """The keyword's type: its name without trailing digits ("character_string12")."""
    return field_name.rstrip("0123456789")


def keyword_rule(field_name: str) -> FieldRule | None:
    """The rule for a typed keyword, or None for a type WeChat sets no rule for here
    (``enum`` takes the template's own values, ``const`` is fixed by the template)."""
    return _RULES.get(keyword_type(field_name))
