"""The endpoint WeChat Pay calls with 智慧商圈 notices:
``POST /plugin-hooks/mall/<tenant slug>/wechat-pay/notify``.

It answers as WeChat Pay expects: 200 ``{"code": "SUCCESS"}`` once a notice is handled (or was
handled before, or is an event the mall does not take), so WeChat Pay stops sending it; 401 for a
notice that is not WeChat Pay's or is older than five minutes and 400 for one that cannot be read,
both with ``{"code": "FAIL", "message": …}`` and nothing changed; 404 while the mall has no
WeChat Pay configuration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog
from starlette.responses import JSONResponse, Response

from plugins.http_routes import PluginRoute
from plugins.mall.payments import take_payment, take_refund
from plugins.mall.receipts import config_of
from plugins.mall.wechat_pay import BadNotice, MallPayment, Unauthentic, read_notice

if TYPE_CHECKING:
    from starlette.requests import Request

    from tenants.context import RequestContext

__all__ = ["NOTIFY", "notify"]

log = structlog.get_logger("plugins.mall.wechat_pay")

MAX_BODY = 64 * 1024  # a notice is about 1 KB


def _fail(status: int, message: str) -> Response:
    return JSONResponse({"code": "FAIL", "message": message}, status_code=status)


async def notify(request: Request, ctx: RequestContext) -> Response:
    """Verify, read and handle one notice (see the module)."""
    config = (await config_of(ctx)).wechat_pay
    if config is None:
        return _fail(404, "WeChat Pay is not configured for this mall")
    body = await request.body()
    if len(body) > MAX_BODY:
        return _fail(400, "the notice is too large")
    headers = {name.lower(): value for name, value in request.headers.items()}
    try:
        notice = read_notice(config, headers, body, ctx.clock.now())
    except Unauthentic as exc:
        log.warning("wechat_pay_refused", tenant=ctx.tenant.slug, reason=str(exc))
        return _fail(401, str(exc))
    except BadNotice as exc:
        log.warning("wechat_pay_unreadable", tenant=ctx.tenant.slug, reason=str(exc))
        return _fail(400, str(exc))
    if isinstance(notice, MallPayment):
        outcome = await take_payment(ctx, config, notice)
        log.info(
            "wechat_pay_payment",
            tenant=ctx.tenant.slug,
            transaction=notice.transaction_id,
            status=outcome.status,
            replayed=outcome.replayed,
        )
    elif notice is not None:
        refunded = await take_refund(ctx, notice)
        log.info(
            "wechat_pay_refund",
            tenant=ctx.tenant.slug,
            refund=notice.refund_id,
            status=refunded.status,
            replayed=refunded.replayed,
        )
    return JSONResponse({"code": "SUCCESS"})


NOTIFY = PluginRoute("wechat-pay/notify", notify, methods=("POST",), public=True)
