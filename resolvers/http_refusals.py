"""Expected failures answered outside GraphQL (file downloads, plugins' HTTP routes): the
GraphQL error shape, the message in the caller's language, and the HTTP status of the code."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from membership.errors import DomainError, ErrorCode
from membership.messages import localized

__all__ = ["refusal"]

_STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.PLUGIN_FAILED: 500,
}


def refusal(error: DomainError, language: str) -> Response:
    body = {
        "errors": [
            {"message": localized(error, language), "extensions": {"code": error.code.value}}
        ]
    }
    return JSONResponse(body, status_code=_STATUS.get(error.code, 400))
