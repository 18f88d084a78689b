"""Error messages in the caller's language.

Services raise ``DomainError`` with an English template; the API answers in the language of the
request's ``Accept-Language`` (zh-CN or en, English when unknown). The catalogue is keyed by the
English template, and a test checks that every template raised in the code has a translation with
the same placeholders.
"""

from __future__ import annotations

from membership.errors import DomainError

__all__ = ["SUPPORTED", "ZH_CN", "choose_language", "localized"]

SUPPORTED = ("zh-CN", "en")

ZH_CN: dict[str, str] = {
    # tenants and staff
    "No tenant '{slug}'.": "没有商户“{slug}”。",
    "Slug must be 2-63 lowercase letters, digits or '-'.": "标识须为 2-63 个小写字母、数字或“-”。",
    "Name must not be empty.": "名称不能为空。",
    "Currency must be an ISO 4217 code such as CNY.": "币种须为 ISO 4217 代码，例如 CNY。",
    "Tenant '{slug}' already exists.": "商户“{slug}”已存在。",
    "Unknown IANA time zone '{timezone}'.": "未知的时区“{timezone}”。",
    "Wrong tenant, email or password.": "商户、邮箱或密码错误。",
    "Only an owner can create another owner.": "只有所有者可以创建所有者。",
    "Enter a valid email address.": "请输入有效的邮箱地址。",
    "Passwords need at least {MIN_PASSWORD_LENGTH} characters.": "密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。",
    "Role must be one of: {roles}.": "角色须为以下之一：{roles}。",
    "A staff account with this email exists.": "该邮箱的员工账号已存在。",
    "This action needs the '{permission}' permission.": "此操作需要“{permission}”权限。",
    "Only tokens can log out; revoke API keys instead.": "只有令牌可以登出；API 密钥请改为吊销。",
    "Send a credential: Authorization: Bearer <token or API key>.": "请提供凭证：Authorization: Bearer <令牌或 API 密钥>。",
    # any text input
    "Text must not contain NUL characters or unpaired surrogates (U+D800 to U+DFFF).": "文本不能包含 NUL 字符或不成对的代理字符（U+D800 到 U+DFFF）。",
    # API keys and tokens
    "Unknown scope '{scope}'. Allowed: {allowed}.": "未知的权限范围“{scope}”。可用：{allowed}。",
    "Kind must be 'secret' or 'publishable'.": "类型须为 secret 或 publishable。",
    "Name the key after what uses it.": "请以使用方为密钥命名。",
    "Publishable keys cannot be granted scopes over member data.": "公开密钥不能授予会员数据的权限。",
    "No such API key.": "没有该 API 密钥。",
    "ttlSeconds must be between 60 and {MAX_TTL_SECONDS}.": "ttlSeconds 须在 60 到 {MAX_TTL_SECONDS} 之间。",
    # members
    "You may not read member profiles.": "您无权查看会员资料。",
    "You may not change member profiles.": "您无权修改会员资料。",
    "Give exactly one of id, phone or externalId.": "请只提供 id、phone 或 externalId 中的一个。",
    "first must be between 0 and {MAX_PAGE}.": "first 须在 0 到 {MAX_PAGE} 之间。",
    "first must be between 0 and {MAX_AUDIT_PAGE}.": "first 须在 0 到 {MAX_AUDIT_PAGE} 之间。",
    "At most {MAX_TAGS} tags per member.": "每位会员最多 {MAX_TAGS} 个标签。",
    "Tags are at most 50 characters.": "标签最多 50 个字符。",
    "Phone is required.": "手机号必填。",
    "Members may change their name, gender, birthday and custom fields only.": "会员只能修改自己的姓名、性别、生日和自定义字段。",
    "Your role may not reveal members' personal data.": "您的角色无权查看会员个人信息。",
    "A member cannot be merged into itself.": "会员不能合并到自身。",
    "Malformed cursor.": "分页游标格式错误。",
    "No such member in this tenant.": "本商户没有该会员。",
    "No such member to merge.": "没有要合并的会员。",
    "No such member to merge into.": "没有要合并到的目标会员。",
    "No such referrer in this tenant.": "本商户没有该推荐人。",
    "No such object in this tenant.": "本商户没有该对象。",
    "Names are at most 100 characters.": "姓名最多 100 个字符。",
    "Unknown gender.": "未知的性别。",
    "Birthday must be after 1900 and not in the future.": "生日须晚于 1900 年且不能是未来日期。",
    "Another member already has this phone.": "已有其他会员使用该手机号。",
    "Another member already has this external id.": "已有其他会员使用该外部编号。",
    "At most 100 characters.": "最多 100 个字符。",
    "'{birthday}' is not a real date.": "“{birthday}”不是有效日期。",
    "'{raw}' is not a phone number.": "“{raw}”不是手机号。",
    "'{raw}' is not a valid phone number.": "“{raw}”不是有效的手机号。",
    "Phone numbers from {number_region} are not accepted here (accepted: {accepted}).": "不接受来自 {number_region} 的手机号（可用：{accepted}）。",
    # points
    "Points must not be zero.": "积分不能为零。",
    "Points must be positive.": "积分须为正数。",
    "Points must be at most {max}.": "积分最多为 {max}。",
    "Give a reason of 1 to 200 characters.": "请填写 1 到 200 个字符的原因。",
    "The idempotency key must have 1 to 200 characters.": "幂等键须为 1 到 200 个字符。",
    "This idempotency key was used for a different request.": "该幂等键已用于另一个请求。",
    "Only {balance} points are available.": "可用积分只有 {balance}。",
    "Unknown expiry policy.": "未知的积分过期规则。",
    "The expiry period is out of range.": "过期周期超出范围。",
    "days must be between 1 and 3660.": "days 须在 1 到 3660 之间。",
    # orders
    "The order number must have 1 to 100 characters.": "订单号须为 1 到 100 个字符。",
    "The amount must be positive.": "金额须为正数。",
    "Points to spend must not be negative.": "抵扣积分不能为负数。",
    "Store codes have at most 50 characters.": "门店编码最多 50 个字符。",
    "Every item needs a SKU.": "每个商品都需要 SKU。",
    "Quantities must be positive.": "数量须为正数。",
    "Unit prices must not be negative.": "单价不能为负数。",
    "The points are worth more than the order.": "抵扣积分的价值超过了订单金额。",
    "This order number was recorded with other details.": "该订单号已以不同的内容记录过。",
    "No such order in this tenant.": "本商户没有该订单。",
    "Only {refundable} {currency} can still be refunded on this order.": "该订单最多还能退 {refundable} {currency}。",
    "Must be between {low} and {high}.": "须在 {low} 到 {high} 之间。",
    "Unknown downgrade policy.": "未知的降级规则。",
    # tiers
    "Tier names have 1 to 50 characters.": "等级名称为 1 到 50 个字符。",
    "Rank must be between 0 and 100.": "级别须在 0 到 100 之间。",
    "Unknown tier metric.": "未知的等级指标。",
    "The threshold must not be negative.": "门槛不能为负数。",
    "The window must be 1 to 3660 days.": "统计周期须为 1 到 3660 天。",
    "The points multiplier must be above 0 and at most 100.": "积分倍率须大于 0 且不超过 100。",
    "Name, rank, metric and threshold are required.": "名称、级别、指标和门槛为必填。",
    "Another tier has rank {rank}.": "已有等级使用级别 {rank}。",
    "No such tier.": "没有该等级。",
    "Members hold this tier ({count}); move them to another tier first.": "有 {count} 位会员处于该等级，请先将他们移到其他等级。",
    # custom fields
    "{label} has an unknown type.": "{label}的类型未知。",
    "An ENUM field needs at least one option.": "枚举字段至少需要一个选项。",
    "Options must be distinct.": "选项不能重复。",
    "Custom fields must be an object of key → value.": "自定义字段须为“键 → 值”对象。",
    "Key must start with a lowercase letter and use only a-z, 0-9 and '_'.": "键须以小写字母开头，只能包含 a-z、0-9 和“_”。",
    "Label must not be empty.": "名称不能为空。",
    "Type must be one of {types}.": "类型须为以下之一：{types}。",
    "A field with key '{key}' exists.": "键为“{key}”的字段已存在。",
    "No such custom field.": "没有该自定义字段。",
    "{label} must be text.": "{label}须为文本。",
    "{label} is longer than {MAX_TEXT} characters.": "{label}超过 {MAX_TEXT} 个字符。",
    "{label} must be a number.": "{label}须为数字。",
    "{label} must be a date (YYYY-MM-DD).": "{label}须为日期（YYYY-MM-DD）。",
    "{label} must be one of: {options}.": "{label}须为以下之一：{options}。",
    "{label} must be true or false.": "{label}须为是或否。",
    "{label}: '{value}' is not a real date.": "{label}：“{value}”不是有效日期。",
    "Unknown custom field '{key}'.": "未知的自定义字段“{key}”。",
    "{label} is required.": "{label}必填。",
    # earning rules and orders
    "Unknown rule kind {kind}; see earningRuleKinds.": "未知的规则类型 {kind}；请查看 earningRuleKinds。",
    "Parameters must be a JSON object.": "参数须为 JSON 对象。",
    "Names have 1 to 100 characters.": "名称须为 1 到 100 个字符。",
    "A tenant has at most {max} earning rules.": "每个商户最多 {max} 条积分规则。",
    "No such earning rule.": "没有该积分规则。",
    "Status must be one of: {statuses}.": "状态须为以下之一：{statuses}。",
    "Must be a number between {low} and {high}.": "须为 {low} 到 {high} 之间的数字。",
    "Must be a whole number between {low} and {high}.": "须为 {low} 到 {high} 之间的整数。",
    "Give a list of 1 to {max} texts of 1 to {length} characters.": "请提供 1 到 {max} 项、每项 1 到 {length} 个字符的文本列表。",
    "Give a list of whole numbers between {low} and {high}.": "请提供 {low} 到 {high} 之间的整数列表。",
    "Give a date and time with a time zone, such as 2026-11-11T00:00:00+08:00.": "请提供带时区的日期时间，例如 2026-11-11T00:00:00+08:00。",
    "{kind} has no parameter {name}.": "{kind} 没有参数 {name}。",
    "This parameter is required.": "此参数必填。",
    # rewards
    "The points cost must be positive.": "所需积分须为正数。",
    "Stock must not be negative.": "库存不能为负数。",
    "No such reward.": "没有该奖品。",
    "This reward is out of stock.": "该奖品已兑完。",
    "This member has redeemed this reward {limit} times already.": "该会员已兑换该奖品 {limit} 次。",
    "No such redemption.": "没有该兑换记录。",
    "This reward has been taken off the points mall.": "该奖品已下架。",
    "This reward has unlimited stock; there is no count to add to.": "该奖品库存不限，无需增减库存。",
    "Only {stock} left in stock; the stock cannot go below zero.": "库存仅剩 {stock}，不能减到零以下。",
    "Stock must be at most {max}.": "库存最多为 {max}。",
    # coupons
    "A code prefix has at most 10 letters and digits.": "券码前缀最多 10 个字母或数字。",
    "Codes have 8 to 32 random characters.": "券码的随机部分须为 8 到 32 个字符。",
    "A coupon code appears twice.": "同一券码出现了两次。",
    "This coupon cannot be combined with other coupons.": "该券不能与其他券同时使用。",
    "At most {count} coupons of this kind per order.": "每笔订单最多使用 {count} 张此类券。",
    "Nothing in this order is something this coupon applies to.": "该订单中没有此券适用的商品。",
    "This coupon belongs to another member.": "该券属于其他会员。",
    "This coupon has been redeemed already.": "该券已被核销。",
    "This coupon was voided.": "该券已作废。",
    "This coupon has expired.": "该券已过期。",
    "This coupon is valid from {start}.": "该券自 {start} 起可用。",
    "Generate between 1 and {max} codes at a time.": "每次生成 1 到 {max} 个券码。",
    "Only {left} more coupons of this template can be issued.": "该模板最多还能发放 {left} 张券。",
    "No finished batch of codes with this id.": "没有该编号的已完成券码批次。",
    "days must be between 1 and {max}.": "天数须在 1 到 {max} 之间。",
    "Coupons of this template have been issued; what they are worth can no longer change. Make a new template for a new offer.": "该模板已发券，券面价值不能再改；新的优惠请新建模板。",
    "{issued} coupons are issued already; the total limit cannot be lower.": "已发放 {issued} 张券，总量上限不能更低。",
    "{given} has been given already; the budget cannot be lower.": "已优惠 {given}，预算不能更低。",
    "A campaign code has 4 to 32 letters and digits.": "活动码由 4 到 32 个字母或数字组成。",
    "Another template has this campaign code.": "已有其他模板使用该活动码。",
    "No campaign has this code.": "没有使用该活动码的活动。",
    "This member has claimed this campaign's coupon already.": "该会员已领取过此活动的券。",
    "A checkout id has 1 to 100 characters.": "结账编号为 1 到 100 个字符。",
    "A reservation lasts {low} to {high} seconds.": "锁定时长为 {low} 到 {high} 秒。",
    "This coupon is held by another checkout.": "该券已被其他结账锁定。",
    "This coupon is held by another checkout until {until}.": "该券已被其他结账锁定，至 {until}。",
    "Spend at least {amount} {currency} to use this coupon.": "消费满 {amount} {currency} 才能使用该券。",
    "This campaign's budget is used up.": "该活动预算已用完。",
    "The order amount must be positive.": "订单金额须为正数。",
    "No such coupon in this tenant.": "本商户没有该券。",
    "All {limit} coupons of this template are issued.": "该模板的 {limit} 张券已全部发放。",
    "This member already has {limit} coupons of this template.": "该会员已领取该模板的 {limit} 张券。",
    "This member already has {limit} coupons of this template in this {period}.": "该会员在本周期（{period}）已领取该模板的 {limit} 张券。",
    "This template's coupons can no longer be issued.": "该模板的券已过有效期，不能再发放。",
    "No such coupon template.": "没有该券模板。",
    "Amounts must be positive.": "金额须为正数。",
    "The minimum spend must not be negative.": "最低消费不能为负数。",
    "An AMOUNT_OFF coupon needs amountOff.": "满减券需要 amountOff。",
    "percentOff must be between 1 and 100.": "percentOff 须在 1 到 100 之间。",
    "A GIFT coupon needs the SKU it exchanges for.": "兑换券需要可兑换的 SKU。",
    "{option} is only for {kind} coupons.": "{option} 只适用于 {kind} 券。",
    "Give validDays, or validUntil (with an optional validFrom).": "请提供 validDays，或 validUntil（可选 validFrom）。",
    "validDays must be between 1 and 3650.": "validDays 须在 1 到 3650 之间。",
    "startDelayDays (0 to 365) goes with validDays.": "startDelayDays（0 到 365）须与 validDays 一起使用。",
    "Give a time zone with the time.": "时间须带时区。",
    "The validity window ends before it starts.": "有效期的结束时间早于开始时间。",
    "validFrom goes with validUntil.": "validFrom 须与 validUntil 一起使用。",
    "Limits must be at least 1.": "限额至少为 1。",
    "period and periodLimit go together.": "period 与 periodLimit 须同时提供。",
    "period must be DAY, WEEK or MONTH.": "period 须为 DAY、WEEK 或 MONTH。",
    "maxPerOrder must be between 1 and 10.": "maxPerOrder 须在 1 到 10 之间。",
    "kind must be AMOUNT_OFF, PERCENT_OFF or GIFT.": "kind 须为 AMOUNT_OFF、PERCENT_OFF 或 GIFT。",
    "{kind} applies to every order by itself; it cannot be added as a rule.": "{kind} 自动作用于每笔订单，不能添加为规则。",
    "A rolling window needs windowDays.": "滚动周期需要 windowDays。",
    "windowDays is only for rolling windows.": "windowDays 只适用于滚动周期。",
    "Unknown tier window.": "未知的等级统计周期。",
    "Give weekdays, days of the month or both.": "请提供星期几、每月几号，或两者。",
    "The end must come after the start.": "结束时间须晚于开始时间。",
    # webhook endpoint URLs
    "Enter the URL as text.": "请以文本形式填写 URL。",
    "A URL has at most {max} characters.": "URL 最多 {max} 个字符。",
    "Enter a URL such as https://example.com/webhooks.": "请填写 URL，例如 https://example.com/webhooks。",
    "A URL cannot contain spaces or control characters.": "URL 不能包含空格或控制字符。",
    "Webhook URLs start with http:// or https://.": "Webhook URL 须以 http:// 或 https:// 开头。",
    "Remove the #fragment: it is never sent to the receiver.": "请去掉 #片段：它不会发送给接收方。",
    "Remove the user name and password from the URL; receivers verify the signature instead.": "请从 URL 中去掉用户名和密码；接收方应改为校验签名。",
    "The URL needs a host name.": "URL 须包含主机名。",
    "The port must be a number from 1 to 65535.": "端口须为 1 到 65535 之间的数字。",
    "The host name is not valid.": "主机名无效。",
    "{host} is a loopback, private or reserved address; webhook URLs must be reachable from the internet.": "{host} 是环回、内网或保留地址；Webhook URL 须可从互联网访问。",
}


def choose_language(accept_language: str | None) -> str:
    """The first supported language of an Accept-Language header; English when none is."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return "en"


def localized(error: DomainError, language: str) -> str:
    if language == "zh-CN" and error.template in ZH_CN:
        template = ZH_CN[error.template]
        return template.format(**error.params) if error.params else template
    return error.message
