"""The settlement report as a spreadsheet (结算表), for a mall's finance office:
``GET /plugin-api/mall/settlement.xlsx?from=YYYY-MM-DD&until=YYYY-MM-DD`` with the caller's
credential.

The rows are exactly ``storeSettlement``'s, with the store's name, zh-CN headers and a totals
row; money is in yuan as numbers with two decimals (so a spreadsheet can add them up), points as
whole numbers. A bad or missing date, or a bad range, answers 400 with the reason.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Font
from starlette.responses import Response

from plugins.api.data import DomainError, ErrorCode
from plugins.http_routes import PluginRoute
from plugins.mall.settlement import SettlementRow, store_settlement

if TYPE_CHECKING:
    from collections.abc import Sequence

    from starlette.requests import Request

    from tenants.context import RequestContext

__all__ = ["HEADERS", "ROUTE", "settlement_workbook"]

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = (
    "商户编码",
    "商户名称",
    "发放积分",
    "兑付积分",
    "发放积分价值（元）",
    "兑付积分价值（元）",
    "结算净额（元）",
)
TOTAL = "合计"
YUAN = "#,##0.00"


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def settlement_workbook(rows: Sequence[SettlementRow], start: date, until: date) -> bytes:
    """The report as an .xlsx file: a header row, a row per store, a totals row. 结算净额 is
    兑付积分价值 − 发放积分价值: positive, the mall pays the store; negative, the store pays."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = f"积分结算 {start:%Y%m%d}-{until:%Y%m%d}"[:31]
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                row.store_code,
                row.store_name,
                row.points_issued,
                row.points_redeemed,
                _yuan(row.points_issued_value),
                _yuan(row.points_redeemed_value),
                _yuan(row.net),
            ]
        )
    sheet.append(
        [
            TOTAL,
            None,
            sum(r.points_issued for r in rows),
            sum(r.points_redeemed for r in rows),
            _yuan(sum(r.points_issued_value for r in rows)),
            _yuan(sum(r.points_redeemed_value for r in rows)),
            _yuan(sum(r.net for r in rows)),
        ]
    )
    last = sheet.max_row
    for cell in sheet[last]:
        cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=2, max_row=last, min_col=5, max_col=7):
        for cell in line:
            cell.number_format = YUAN
    for letter, width in zip("ABCDEFG", (12, 20, 12, 12, 20, 20, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _date(request: Request, name: str) -> date:
    text = request.query_params.get(name, "")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            ErrorCode.INVALID, "Give {name} as a date, YYYY-MM-DD.", [name], name=name
        ) from None


async def _download(request: Request, ctx: RequestContext) -> Response:
    start, until = _date(request, "from"), _date(request, "until")
    rows = await store_settlement(ctx, start, until)
    body = settlement_workbook(rows, start, until)
    filename = f"settlement-{start:%Y%m%d}-{until:%Y%m%d}.xlsx"
    return Response(
        body,
        media_type=MEDIA_TYPE,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


ROUTE = PluginRoute("settlement.xlsx", _download)
