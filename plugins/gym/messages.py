"""The zh-CN texts of the gym's error templates (``MANIFEST.messages``)."""

from __future__ import annotations

__all__ = ["ZH_CN"]

ZH_CN: dict[str, str] = {
    "A card product's name has 1 to 50 characters.": "卡种名称为 1 到 50 个字符。",
    "A TIME card needs its days.": "按天数的卡需要填写有效天数。",
    "A TIME card has no visits; leave them out.": "按天数的卡没有次数，请留空。",
    "A VISITS card needs its visits.": "次卡需要填写次数。",
    "Give 1 to {max} visits.": "请填写 1 到 {max} 次。",
    "Give 1 to {max} days.": "请填写 1 到 {max} 天。",
    "A price is 0 or more (in fen).": "售价不能小于 0（单位：分）。",
    "There is a card product named {name} already.": "已有名为 {name} 的卡种。",
    "An idempotency key has 1 to {limit} characters.": "幂等键为 1 到 {limit} 个字符。",
    "No member {id} in this tenant.": "本租户没有会员 {id}。",
    "No card product {id} in this tenant.": "本租户没有卡种 {id}。",
    "No card {id} in this tenant.": "本租户没有会员卡 {id}。",
    "This idempotency key was used for another sale.": "此幂等键已用于另一笔售卡。",
    "This idempotency key was used for another freeze.": "此幂等键已用于另一次冻结。",
    "This idempotency key was used for another member's check-in.": "此幂等键已用于另一位会员的签到。",
    "You check members in at your stores only: {stores}.": "您只能在所属门店为会员签到：{stores}。",
    "This card has ended; it cannot be frozen.": "此卡已到期或已用完，不能冻结。",
    "A freeze ends on or after the day it starts.": "冻结结束日期不能早于开始日期。",
    "A freeze starts today or later.": "冻结只能从今天或以后开始。",
    "A freeze lasts at most {max} days; this one is {days}.": "一次冻结最多 {max} 天，本次为 {days} 天。",
    "A freeze starts before the card ends ({date}).": "冻结须在卡到期（{date}）之前开始。",
    "This freeze overlaps another freeze of this card ({start} to {until}).": (
        "本次冻结与此卡的另一次冻结（{start} 至 {until}）重叠。"
    ),
    "A card may be frozen at most {max} times a year.": "一张卡每年最多冻结 {max} 次。",
    "This member has no card to check in with: none is started, valid, not frozen today and "
    "with visits left.": "该会员没有可用于签到的卡：没有已开始、未到期、今天未冻结且有剩余次数的卡。",
    "A TIME card has days and no visits.": "按天数的卡需要有效天数，且不填次数。",
    "A VISITS card has visits.": "次卡需要填写次数。",
    # stats
    "The range ends before it starts.": "结束日期早于开始日期。",
    "A range spans at most {max} days.": "统计范围最多 {max} 天。",
}
