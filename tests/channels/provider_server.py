"""A local HTTP server that answers as Alibaba Cloud SMS, Tencent Cloud SMS, WeChat and WeCom
document, for the provider adapters' tests.

It checks requests the way each provider does, with its own implementation of their rules (not
the adapters'): Alibaba's RPC v1.0 signature, Tencent's TC3-HMAC-SHA256, WeChat's and WeCom's
access tokens. ``fail_next(provider, code)`` makes the next send answer with one of the
provider's documented errors; ``expire_tokens()`` ages every access token issued so far.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

import aiohttp
from aiohttp import web
from yarl import URL

from plugins.channels import HttpRequest, HttpResponse

__all__ = [
    "ALIYUN",
    "TENCENT",
    "WECHAT",
    "WECOM_APP",
    "WECOM_CUSTOMER",
    "ProviderServer",
    "exchange",
    "running_provider_server",
    "wechat_push",
]

ALIYUN = {
    "accessKeyId": "LTAI5tQ7xKp2Vb9mNc4Rz8Yw",
    "accessKeySecret": "k3J9dQ2mX7vL0pR5sT8wY1zA4bC6eF",
    "signName": "会员中心",
}
TENCENT = {
    "secretId": "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA",
    "secretKey": "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA",
    "sdkAppId": "1400006666",
    "signName": "会员中心",
}
WECHAT = {
    "appId": "wx8a3f2c1d4e5b6a79",
    "appSecret": "3f9c2b7e1a4d8f6c0b5e9a2d7c1f4b8e",
    "token": "pushToken2024",
}
WECOM_CUSTOMER = {
    "corpId": "ww1a2b3c4d5e6f7a8b",
    "corpSecret": "Kx9Qw3-Er5_Ty7Ui9Op1Zx7Cv5Bn3Ml1Kj9Hg7Fd5Sa",
}
WECOM_APP = {
    "corpId": "ww1a2b3c4d5e6f7a8b",
    "corpSecret": "Ab1Cd2-Ef3_Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab",
    "agentId": "1000002",
}

OPENIDS = frozenset({"oZx3v5gH1kLmN2pQ7rS9tU4wYbC8", "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"})
TEMPLATES = frozenset({"ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY"})
EXTERNAL_USERIDS = frozenset({"wmqfasd1e19278asdasdasdasdasdasd"})
STAFF = frozenset({"zhangsan", "lisi"})

# what each provider says with a documented error code: (HTTP status, message)
_ALIYUN_ERRORS: Mapping[str, tuple[int, str]] = {
    "isv.AMOUNT_NOT_ENOUGH": (200, "账户余额不足"),
    "isv.BUSINESS_LIMIT_CONTROL": (200, "触发分钟级流控Permits:1"),
    "isv.BUSINESS_LIMIT_CONTROL/hour": (200, "触发小时级流控Permits:5"),
    "isv.BUSINESS_LIMIT_CONTROL/day": (200, "触发天级流控Permits:10"),
    "isv.DAY_LIMIT_CONTROL": (200, "触发日发送限额"),
    "Throttling.User": (400, "Request was denied due to user flow control."),
    "isv.MOBILE_NUMBER_ILLEGAL": (200, "非法手机号"),
    "isv.PARAM_LENGTH_LIMIT": (200, "参数超出长度限制"),
    "isv.TEMPLATE_PARAMS_ILLEGAL": (200, "模板变量里包含非法关键字"),
    "isp.SYSTEM_ERROR": (200, "系统错误"),
    "ServiceUnavailable": (503, "The request has failed due to a temporary failure of the server."),
}
_WECHAT_ERRORS: Mapping[int, str] = {
    43101: "user refuse to accept the msg",
    45009: "reach max api daily quota limit",
    47003: "argument invalid! data.thing1.value invalid",
    -1: "system error",
    45011: "api minute-quota reach limit  mustslower  retry next minute",
    40003: "invalid openid",
    40037: "invalid template_id",
}
_WECOM_ERRORS: Mapping[int, str] = {
    45009: "api freq out of limit",
    45033: "api concurrent out of limit",
    -1: "system busy",
    41001: "access_token missing",
    40013: "invalid corpid",
}


@dataclass
class Received:
    provider: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class ProviderServer:
    base: str = ""
    received: list[Received] = field(default_factory=list)
    scripted: dict[str, list[str]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> "wechat" / "wecom"
    expired: set[str] = field(default_factory=set)
    nonces: set[str] = field(default_factory=set)

    def url(self, provider: str) -> str:
        """The base URL to give a provider adapter: ``aliyun``, ``tencent``, ``wechat``, ``wecom``."""
        return f"{self.base}/{provider}"

    def fail_next(self, provider: str, code: str) -> None:
        self.scripted.setdefault(provider, []).append(code)

    def expire_tokens(self) -> None:
        self.expired.update(self.tokens)

    def sends(self, provider: str) -> list[Received]:
        return [r for r in self.received if r.provider == provider and r.body]

    def _scripted(self, provider: str) -> str | None:
        queue = self.scripted.get(provider)
        return queue.pop(0) if queue else None

    async def _record(self, provider: str, request: web.Request) -> Received:
        received = Received(
            provider,
            request.path,
            dict(request.query),
            {k.lower(): v for k, v in request.headers.items()},
            await request.read(),
        )
        self.received.append(received)
        return received

    # -- Alibaba Cloud SMS ------------------------------------------------------------------

    async def aliyun(self, request: web.Request) -> web.Response:
        await self._record("aliyun", request)
        form = {k: str(v) for k, v in (await request.post()).items()}

        def error(status: int, code: str, message: str) -> web.Response:
            body = {"RequestId": secrets.token_hex(8), "Code": code, "Message": message}
            return web.json_response(body, status=status)

        for name, value in (
            ("Action", "SendSms"),
            ("Version", "2017-05-25"),
            ("Format", "JSON"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
        ):
            if form.get(name) != value:
                return error(400, "InvalidParameter", f"{name} must be {value}")
        if form.get("AccessKeyId") != ALIYUN["accessKeyId"]:
            return error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        if _aliyun_signature(ALIYUN["accessKeySecret"], form) != form.get("Signature"):
            return error(400, "SignatureDoesNotMatch", "Specified signature is not matched.")
        sent = datetime.strptime(form["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if abs(time.time() - sent.timestamp()) > 900:
            return error(400, "InvalidTimeStamp.Expired", "Specified time stamp is expired.")
        if form["SignatureNonce"] in self.nonces:
            return error(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
        self.nonces.add(form["SignatureNonce"])
        if not re.fullmatch(r"1\d{10}|[2-9]\d{7,14}", form.get("PhoneNumbers", "")):
            return error(200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        json.loads(form["TemplateParam"])
        scripted = self._scripted("aliyun")
        if scripted == "HTTP 502":
            return web.Response(
                status=502, text="<html>Bad Gateway</html>", content_type="text/html"
            )
        if scripted:
            status, message = _ALIYUN_ERRORS[scripted]
            return error(status, scripted.split("/")[0], message)
        biz_id = f"{secrets.randbelow(10**17):017d}^0"
        body = {"RequestId": secrets.token_hex(8), "Code": "OK", "Message": "OK", "BizId": biz_id}
        return web.json_response(body)

    # -- Tencent Cloud SMS -----------------------------------------------------------------

    async def tencent(self, request: web.Request) -> web.Response:
        received = await self._record("tencent", request)
        request_id = secrets.token_hex(16)

        def error(code: str, message: str) -> web.Response:
            # Tencent answers every error with HTTP 200
            return web.json_response(
                {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}}
            )

        match = re.fullmatch(
            r"TC3-HMAC-SHA256 Credential=(\w+)/(\d{4}-\d{2}-\d{2})/(\w+)/tc3_request, "
            r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})",
            received.headers.get("authorization", ""),
        )
        if not match:
            return error("AuthFailure.InvalidAuthorization", "Authorization is not TC3.")
        secret_id, date, service, signed_headers, signature = match.groups()
        if secret_id != TENCENT["secretId"]:
            return error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        timestamp = int(received.headers.get("x-tc-timestamp", "0"))
        if abs(time.time() - timestamp) > 300:
            return error("AuthFailure.SignatureExpire", "Signature expired.")
        if date != datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d") or service != "sms":
            return error("AuthFailure.SignatureFailure", "The credential scope is wrong.")
        if "host" not in signed_headers.split(";") or "content-type" not in signed_headers:
            return error("AuthFailure.SignatureFailure", "host and content-type must be signed.")
        canonical_headers = "".join(
            f"{name}:{received.headers.get(name, '').strip().lower()}\n"
            for name in signed_headers.split(";")
        )
        canonical_request = (
            f"{request.method}\n{request.path}\n{request.query_string}\n{canonical_headers}\n"
            f"{signed_headers}\n{hashlib.sha256(received.body).hexdigest()}"
        )
        string_to_sign = (
            f"TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n"
            f"{hashlib.sha256(canonical_request.encode()).hexdigest()}"
        )
        key = ("TC3" + TENCENT["secretKey"]).encode()
        for part in (date, service, "tc3_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return error(
                "AuthFailure.SignatureFailure", "The provided credentials could not be validated."
            )
        if received.headers.get("x-tc-action") != "SendSms":
            return error("InvalidAction", "The action is not found.")
        if received.headers.get("x-tc-version") != "2021-01-11":
            return error("NoSuchVersion", "The version is not found.")
        body = received.json
        if body.get("SmsSdkAppId") != TENCENT["sdkAppId"]:
            return error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId does not exist.")
        scripted = self._scripted("tencent")
        if scripted and scripted.split(".")[0] in (
            "AuthFailure",
            "RequestLimitExceeded",
            "InternalError",
        ):
            return error(scripted, f"{scripted} (as told)")
        statuses = []
        for phone in body["PhoneNumberSet"]:
            code, message = "Ok", "send success"
            if not re.fullmatch(r"\+[1-9]\d{6,14}", phone):
                code, message = "InvalidParameterValue.IncorrectPhoneNumber", "wrong phone number"
            elif scripted:
                code, message = scripted, f"{scripted} (as told)"
            statuses.append(
                {
                    "SerialNo": f"2645:{secrets.randbelow(10**20)}" if code == "Ok" else "",
                    "PhoneNumber": phone,
                    "Fee": 1 if code == "Ok" else 0,
                    "SessionContext": body.get("SessionContext", ""),
                    "Code": code,
                    "Message": message,
                    "IsoCode": "CN",
                }
            )
        return web.json_response({"Response": {"SendStatusSet": statuses, "RequestId": request_id}})

    # -- WeChat and WeCom access tokens ------------------------------------------------------

    def _issue(self, kind: str) -> dict[str, Any]:
        token = f"78_{secrets.token_urlsafe(48)}"
        self.tokens[token] = kind
        return {"access_token": token, "expires_in": 7200}

    def _token_error(self, kind: str, token: str) -> dict[str, Any] | None:
        if self.tokens.get(token) != kind:
            if kind == "wecom":
                return {"errcode": 40014, "errmsg": "invalid access_token"}
            return {
                "errcode": 40001,
                "errmsg": "invalid credential, access_token is invalid or not latest",
            }
        if token in self.expired:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return None

    # -- WeChat ------------------------------------------------------------------------------

    async def wechat_token(self, request: web.Request) -> web.Response:
        received = await self._record("wechat", request)
        query = received.query
        if query.get("grant_type") != "client_credential":
            return web.json_response({"errcode": 40002, "errmsg": "invalid grant_type"})
        if query.get("appid") != WECHAT["appId"]:
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        if query.get("secret") != WECHAT["appSecret"]:
            return web.json_response({"errcode": 40125, "errmsg": "invalid appsecret"})
        return web.json_response(self._issue("wechat"))

    async def wechat_send(self, request: web.Request) -> web.Response:
        received = await self._record("wechat", request)
        problem = self._token_error("wechat", received.query.get("access_token", ""))
        if problem:
            return web.json_response(problem)
        body = received.json
        scripted = self._scripted("wechat")
        if scripted:
            code = int(scripted)
            return web.json_response({"errcode": code, "errmsg": _WECHAT_ERRORS[code]})
        if body.get("touser") not in OPENIDS:
            return web.json_response({"errcode": 40003, "errmsg": "invalid openid"})
        if body.get("template_id") not in TEMPLATES:
            return web.json_response({"errcode": 40037, "errmsg": "invalid template_id"})
        for key, item in body.get("data", {}).items():
            value = item.get("value") if isinstance(item, dict) else None
            too_long = key.rstrip("0123456789") == "thing" and len(str(value)) > 20
            if not isinstance(value, str) or too_long:
                return web.json_response(
                    {"errcode": 47003, "errmsg": f"argument invalid! data.{key}.value invalid"}
                )
        msgid = secrets.randbelow(10**18)
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": msgid})

    # -- WeCom -------------------------------------------------------------------------------

    async def wecom_token(self, request: web.Request) -> web.Response:
        received = await self._record("wecom", request)
        query = received.query
        if query.get("corpid") != WECOM_APP["corpId"]:
            return web.json_response({"errcode": 40013, "errmsg": "invalid corpid"})
        if query.get("corpsecret") not in (WECOM_APP["corpSecret"], WECOM_CUSTOMER["corpSecret"]):
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        return web.json_response({"errcode": 0, "errmsg": "ok", **self._issue("wecom")})

    async def wecom_send(self, request: web.Request) -> web.Response:
        received = await self._record("wecom", request)
        problem = self._token_error("wecom", received.query.get("access_token", ""))
        if problem:
            return web.json_response(problem)
        body = received.json
        scripted = self._scripted("wecom")
        if scripted:
            code = int(scripted)
            return web.json_response({"errcode": code, "errmsg": _WECOM_ERRORS[code]})
        content = body.get("text", {}).get("content", "")
        if request.path.endswith("/add_msg_template"):
            if body.get("sender") not in STAFF or len(content.encode()) > 4000:
                return web.json_response({"errcode": 40058, "errmsg": "invalid parameter"})
            failed = [u for u in body.get("external_userid", []) if u not in EXTERNAL_USERIDS]
            answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok", "fail_list": failed}
            if len(failed) < len(body.get("external_userid", [])):
                answer["msgid"] = f"msg{secrets.token_urlsafe(20)}"
            return web.json_response(answer)
        if str(body.get("agentid")) != WECOM_APP["agentId"]:
            return web.json_response({"errcode": 40056, "errmsg": "invalid agentid"})
        users = str(body.get("touser", "")).split("|")
        invalid = [u for u in users if u not in STAFF]
        answer = {"errcode": 0, "errmsg": "ok", "invaliduser": "|".join(invalid)}
        if len(invalid) == len(users):
            answer.update(errcode=81013, errmsg="user & party & tag all invalid")
        else:
            answer["msgid"] = secrets.token_urlsafe(24)
        return web.json_response(answer)


def _aliyun_signature(secret: str, params: Mapping[str, str]) -> str:
    """Alibaba's documented recipe: URL-encode as Java's URLEncoder, then fix ``+ * %7E``."""

    def encode(value: str) -> str:
        return (
            quote_plus(value, safe="").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")
        )

    query = "&".join(f"{encode(k)}={encode(params[k])}" for k in sorted(params) if k != "Signature")
    to_sign = f"POST&{encode('/')}&{encode(query)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def wechat_push(body: str, *, token: str = WECHAT["token"], timestamp: str = "") -> HttpRequest:
    """A push as WeChat sends it to the server URL: signed in the query with the server token."""
    timestamp = timestamp or str(int(time.time()))
    nonce = str(secrets.randbelow(10**10))
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    query = f"signature={signature}&timestamp={timestamp}&nonce={nonce}&openid=o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
    return HttpRequest(
        "POST",
        f"https://members.example.com/receipts/wechat?{query}",
        {"Content-Type": "text/xml"},
        body.encode(),
    )


async def exchange(request: HttpRequest) -> HttpResponse:
    """Send an adapter's request over real HTTP exactly as built, and return the answer."""
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            request.method,
            URL(request.url, encoded=True),
            headers=dict(request.headers),
            data=request.body,
        ) as response,
    ):
        return HttpResponse(response.status, dict(response.headers), await response.read())


@asynccontextmanager
async def running_provider_server() -> AsyncIterator[ProviderServer]:
    server = ProviderServer()
    app = web.Application()
    app.router.add_post("/aliyun/", server.aliyun)
    app.router.add_post("/tencent/", server.tencent)
    app.router.add_get("/wechat/cgi-bin/token", server.wechat_token)
    app.router.add_post("/wechat/cgi-bin/message/template/send", server.wechat_send)
    app.router.add_post("/wechat/cgi-bin/message/subscribe/send", server.wechat_send)
    app.router.add_get("/wecom/cgi-bin/gettoken", server.wecom_token)
    app.router.add_post("/wecom/cgi-bin/externalcontact/add_msg_template", server.wecom_send)
    app.router.add_post("/wecom/cgi-bin/message/send", server.wecom_send)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.base = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        await runner.cleanup()
