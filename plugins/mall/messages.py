"""The zh-CN wording of the mall's error templates (``PluginManifest.messages``)."""

from __future__ import annotations

__all__ = ["ZH_CN"]

ZH_CN: dict[str, str] = {
    # stores
    "A store code has 1 to 32 letters, digits, '_', '.' or '-', starting with a letter or digit.": (
        "商户编码为 1 到 32 个字母、数字、“_”、“.”或“-”，以字母或数字开头。"
    ),
    "A store name has 1 to 50 characters.": "商户名称为 1 到 50 个字符。",
    "The mall has no store with the code {store}.": "商场没有编码为 {store} 的商户。",
    "The store {store} is closed and takes no receipts.": "商户 {store} 已停用，不受理小票。",
    # receipts
    "An idempotency key has 1 to {limit} characters.": "幂等键为 1 到 {limit} 个字符。",
    "A receipt number has 1 to {limit} characters.": "小票号为 1 到 {limit} 个字符。",
    "A receipt's amount is more than 0.": "小票金额必须大于 0。",
    "A receipt's photo is an http(s) address of at most {limit} characters.": (
        "小票照片须为不超过 {limit} 个字符的 http(s) 地址。"
    ),
    "A receipt cannot be dated in the future.": "小票日期不能晚于当前时间。",
    "A receipt older than {days} days is not taken.": "不受理开票超过 {days} 天的小票。",
    "This idempotency key was used for another member's receipt.": (
        "该幂等键已用于其他会员的小票。"
    ),
    "The receipt {receipt_no} of the store {store} was submitted before.": (
        "商户 {store} 的小票 {receipt_no} 已提交过。"
    ),
    "A member submits at most {limit} receipts a day.": "每位会员每天最多提交 {limit} 张小票。",
    "A member's receipts come to at most {limit} yuan a day.": (
        "每位会员每天提交的小票金额合计不超过 {limit} 元。"
    ),
    "No member {id} in this tenant.": "本租户没有会员 {id}。",
    "A reason has at most {limit} characters.": "原因最多 {limit} 个字符。",
    "Say why the receipt is rejected.": "请填写驳回小票的原因。",
    "No receipt {id} in this tenant.": "本租户没有小票 {id}。",
    "This receipt was reviewed already: it is {status}.": "该小票已审核过，当前状态为 {status}。",
    # the review queue
    "This cursor is not one this list gave.": "该游标不是此列表给出的。",
    "Ask for 0 to {limit} receipts at a time.": "每次可取 0 到 {limit} 张小票。",
    # settlement
    "A settlement range ends on or after the day it starts.": "结算区间的结束日期不能早于开始日期。",
    "A settlement range spans at most {days} days.": "结算区间最长 {days} 天。",
    "Give {name} as a date, YYYY-MM-DD.": "请以 YYYY-MM-DD 格式给出日期 {name}。",
}
