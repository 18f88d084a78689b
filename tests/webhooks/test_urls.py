"""Endpoint URLs: well formed, and never a way into the platform's own network."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from membership.errors import DomainError, ErrorCode
from membership.public_urls import (
    BlockedAddress,
    check_url,
    ip_literal,
    is_public_ip,
    resolve_public,
)

FIELD = ["input", "url"]

BAD_URL = "Enter a URL such as https://example.com/webhooks."
BAD_SCHEME = "URLs start with http:// or https://."
NO_HOST = "The URL needs a host name."
CREDENTIALS = (
    "Remove the user name and password from the URL; receivers verify the signature instead."
)
TOO_LONG = "A URL has at most {max} characters."
FRAGMENT = "Remove the #fragment: it is never sent to the receiver."
BAD_PORT = "The port must be a number from 1 to 65535."
BAD_HOST = "The host name is not valid."
SPACES = "A URL cannot contain spaces or control characters."
NOT_TEXT = "Enter the URL as text."
PRIVATE = (
    "{host} is a loopback, private or reserved address; the URL must be reachable from "
    "the internet."
)


def rejection(url: Any, *, allow_private: bool = False) -> DomainError:
    with pytest.raises(DomainError) as caught:
        check_url(url, allow_private=allow_private, field=FIELD)
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == FIELD
    return caught.value


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://example.com/webhooks", "https://example.com/webhooks"),
        (
            "https://hooks.example.com/in?tenant=acme&v=2",
            "https://hooks.example.com/in?tenant=acme&v=2",
        ),
        ("HTTPS://Hooks.Example.COM/In", "https://hooks.example.com/In"),
        ("http://example.com", "http://example.com/"),
        ("  https://example.com/x \n", "https://example.com/x"),
        ("https://example.com:443/x", "https://example.com/x"),
        ("http://example.com:80/x", "http://example.com/x"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("http://example.com:443/x", "http://example.com:443/x"),
        ("https://example.com./x", "https://example.com./x"),
        ("https://my_service.example.com/", "https://my_service.example.com/"),
        ("https://bücher.example/hook", "https://xn--bcher-kva.example/hook"),
        ("https://example.com/ü?q=ä", "https://example.com/%C3%BC?q=%C3%A4"),
        ("https://example.com/a%20b", "https://example.com/a%20b"),
        ("https://example.com/?", "https://example.com/"),
        ("https://8.8.8.8/hook", "https://8.8.8.8/hook"),
        ("http://134744072/hook", "http://8.8.8.8/hook"),
        ("http://0x8.0x8.0x8.0x8/", "http://8.8.8.8/"),
        ("http://010.010.010.010/", "http://8.8.8.8/"),
        ("https://[2606:4700:4700::1111]/hook", "https://[2606:4700:4700::1111]/hook"),
        ("https://[2606:4700:4700:0:0:0:0:1111]:8443/", "https://[2606:4700:4700::1111]:8443/"),
        ("https://[2606:4700:4700::ABCD]/", "https://[2606:4700:4700::abcd]/"),
    ],
)
def test_good_urls_are_normalised(url: str, normalised: str) -> None:
    assert check_url(url, allow_private=False, field=FIELD) == normalised


@pytest.mark.parametrize(
    "url",
    [
        "https://[::ffff:8.8.8.8]/",  # IPv4-mapped, public
        "https://[64:ff9b::808:808]/",  # NAT64 of 8.8.8.8
        "https://[2002:808:808::1]/",  # 6to4 of 8.8.8.8
    ],
)
def test_ipv6_forms_of_a_public_ipv4_are_accepted(url: str) -> None:
    assert check_url(url, allow_private=False, field=FIELD).startswith("https://[")


@pytest.mark.parametrize(
    ("url", "template"),
    [
        ("", BAD_URL),
        ("   ", BAD_URL),
        ("example.com/hook", BAD_SCHEME),
        ("//example.com/hook", BAD_SCHEME),
        ("ftp://example.com/hook", BAD_SCHEME),
        ("file:///etc/passwd", BAD_SCHEME),
        ("gopher://example.com/", BAD_SCHEME),
        ("javascript:alert(1)", BAD_SCHEME),
        ("mailto:ops@example.com", BAD_SCHEME),
        ("http:///hook", NO_HOST),
        ("https://:8443/hook", NO_HOST),
        ("https://user:secret@example.com/hook", CREDENTIALS),
        ("https://user@example.com/hook", CREDENTIALS),
        ("https://@example.com/hook", CREDENTIALS),
        ("https://example.com\\@evil.example/", CREDENTIALS),
        ("https://example.com/" + "a" * 1990, TOO_LONG),
        ("https://example.com/hook#section", FRAGMENT),
        ("https://example.com/hook#", FRAGMENT),
        ("https://example.com:0/", BAD_PORT),
        ("https://example.com:65536/", BAD_PORT),
        ("https://example.com:99999999/", BAD_PORT),
        ("https://example.com:https/", BAD_PORT),
        ("https://example.com:-1/", BAD_PORT),
        ("https://exa mple.com/", SPACES),
        ("https://example.com/a b", SPACES),
        ("https://example.com/\x00", SPACES),
        ("https://exam\tple.com/", SPACES),
        ("https://example.com/\r\nX-Injected: 1", SPACES),
        ("https://[::1/", BAD_URL),
        ("https://[example.com]/", BAD_URL),
        ("https://exa!mple.com/", BAD_HOST),
        ("https://example..com/", BAD_HOST),
        ("https://" + "a" * 64 + ".com/", BAD_HOST),
        ("https://1.2.3.4.5/", BAD_HOST),
        ("https://256.0.0.1/", BAD_HOST),
        ("https://1.2.3.256/", BAD_HOST),
        ("https://4294967296/", BAD_HOST),
        ("https://08.0.0.1/", BAD_HOST),
        ("https://0x1g.0.0.1/", BAD_HOST),
        ("https://1_0.0.0.1/", BAD_HOST),
        ("https://example.123/", BAD_HOST),
        ("https://１２７.０.０.１/", BAD_HOST),  # full-width digits spell 127.0.0.1
        ("https://[fe80::1%25eth0]/", BAD_HOST),
        ("https://[::1::2]/", BAD_URL),
    ],
)
def test_bad_urls_are_refused_with_a_reason(url: str, template: str) -> None:
    assert rejection(url, allow_private=True).template == template


@pytest.mark.parametrize("value", [None, 42, b"https://example.com/", ["https://example.com/"]])
def test_a_url_that_is_not_text_is_refused(value: object) -> None:
    assert rejection(value).template == NOT_TEXT


def test_the_length_limit_is_2000_characters() -> None:
    base = "https://example.com/"
    assert check_url(base + "a" * (2000 - len(base)), allow_private=False, field=FIELD)
    error = rejection(base + "a" * (2001 - len(base)))
    assert error.message == "A URL has at most 2000 characters."


PRIVATE_LITERALS = [
    # IPv4, by range
    ("127.0.0.1", "127.0.0.1"),  # loopback
    ("127.255.255.254", "127.255.255.254"),
    ("10.0.0.1", "10.0.0.1"),  # private
    ("172.16.0.1", "172.16.0.1"),
    ("172.31.255.255", "172.31.255.255"),
    ("192.168.1.1", "192.168.1.1"),
    ("169.254.169.254", "169.254.169.254"),  # link-local: cloud metadata
    ("100.64.0.1", "100.64.0.1"),  # shared address space (carrier-grade NAT)
    ("100.127.255.254", "100.127.255.254"),
    ("0.0.0.0", "0.0.0.0"),  # unspecified
    ("0.1.2.3", "0.1.2.3"),  # "this network"
    ("224.0.0.1", "224.0.0.1"),  # multicast
    ("239.255.255.250", "239.255.255.250"),
    ("240.0.0.1", "240.0.0.1"),  # reserved
    ("255.255.255.255", "255.255.255.255"),  # broadcast
    ("192.0.2.1", "192.0.2.1"),  # documentation
    ("198.18.0.1", "198.18.0.1"),  # benchmarking
    ("192.0.0.1", "192.0.0.1"),  # IETF protocol assignments
    # IPv4 shorthand forms that inet_aton and URL parsers accept
    ("2130706433", "127.0.0.1"),
    ("0x7f000001", "127.0.0.1"),
    ("0X7F000001", "127.0.0.1"),
    ("017700000001", "127.0.0.1"),
    ("0x7f.1", "127.0.0.1"),
    ("0x7f.0x0.0x0.0x1", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"),
    ("0177.1", "127.0.0.1"),
    ("127.1", "127.0.0.1"),
    ("127.0.1", "127.0.0.1"),
    ("127.0.0.1.", "127.0.0.1"),
    ("0", "0.0.0.0"),
    ("0x0", "0.0.0.0"),
    ("10.1", "10.0.0.1"),
    ("0xa.0.0.1", "10.0.0.1"),
    ("3232235777", "192.168.1.1"),
    ("0xc0.0xa8.0x1.0x1", "192.168.1.1"),
    ("0xA9.0xFE.0xA9.0xFE", "169.254.169.254"),
    ("2852039166", "169.254.169.254"),
    ("0251.0376.0251.0376", "169.254.169.254"),
    # IPv6
    ("[::1]", "::1"),  # loopback
    ("[0:0:0:0:0:0:0:1]", "::1"),
    ("[::]", "::"),  # unspecified
    ("[fe80::1]", "fe80::1"),  # link-local
    ("[fc00::1]", "fc00::1"),  # unique local
    ("[fd12:3456:789a::1]", "fd12:3456:789a::1"),
    ("[fec0::1]", "fec0::1"),  # site-local (deprecated, still routed by some)
    ("[ff02::1]", "ff02::1"),  # multicast
    ("[ff05::2]", "ff05::2"),
    ("[2001:db8::1]", "2001:db8::1"),  # documentation
    ("[100::1]", "100::1"),  # discard-only
    ("[64:ff9b:1::1]", "64:ff9b:1::1"),  # local-use NAT64
    ("[::127.0.0.1]", "::7f00:1"),  # IPv4-compatible (deprecated)
    # IPv6 forms that carry a private IPv4
    ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),  # IPv4-mapped
    ("[::ffff:7f00:1]", "::ffff:7f00:1"),
    ("[::ffff:10.0.0.1]", "::ffff:a00:1"),
    ("[::ffff:169.254.169.254]", "::ffff:a9fe:a9fe"),
    ("[::ffff:100.64.0.1]", "::ffff:6440:1"),
    ("[64:ff9b::7f00:1]", "64:ff9b::7f00:1"),  # NAT64
    ("[64:ff9b::169.254.169.254]", "64:ff9b::a9fe:a9fe"),
    ("[2002:7f00:1::]", "2002:7f00:1::"),  # 6to4
    ("[2002:a00:1::1]", "2002:a00:1::1"),
    ("[2002:c0a8:101::1]", "2002:c0a8:101::1"),
]


@pytest.mark.parametrize(("host", "shown"), PRIVATE_LITERALS)
def test_private_address_literals_are_refused(host: str, shown: str) -> None:
    error = rejection(f"http://{host}:8080/hook")
    assert error.template == PRIVATE
    assert error.params == {"host": shown}


@pytest.mark.parametrize(("host", "shown"), PRIVATE_LITERALS)
def test_private_address_literals_are_allowed_when_configured(host: str, shown: str) -> None:
    normalised = check_url(f"http://{host}:8080/hook", allow_private=True, field=FIELD)
    expected_host = f"[{shown}]" if ":" in shown else shown
    assert normalised == f"http://{expected_host}:8080/hook"


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST", "localhost.", "api.localhost", "a.b.localhost"]
)
def test_localhost_names_are_refused(host: str) -> None:
    assert rejection(f"http://{host}/hook").template == PRIVATE
    assert check_url(f"http://{host}/hook", allow_private=True, field=FIELD)


@pytest.mark.parametrize("host", ["localhost.example.com", "notlocalhost", "my-localhost.io"])
def test_names_that_only_contain_localhost_are_accepted(host: str) -> None:
    assert check_url(f"https://{host}/", allow_private=False, field=FIELD) == f"https://{host}/"


@pytest.mark.parametrize(
    ("ip", "public"),
    [
        ("8.8.8.8", True),
        ("1.1.1.1", True),
        ("203.0.114.1", True),
        ("2606:4700:4700::1111", True),
        ("2a00:1450:4001:81c::200e", True),
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::8.8.8.8", True),
        ("2002:808:808::1", True),
        ("127.0.0.1", False),
        ("10.255.255.255", False),
        ("100.64.0.0", False),
        ("169.254.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:192.168.0.1", False),
        ("64:ff9b::10.0.0.1", False),
        ("2002:a9fe:a9fe::", False),
        ("2001::1", False),  # Teredo
        ("not an address", False),
        ("", False),
    ],
)
def test_is_public_ip(ip: str, public: bool) -> None:
    assert is_public_ip(ip) is public


def test_ip_literal_tells_addresses_from_names() -> None:
    assert str(ip_literal("0x7f.1")) == "127.0.0.1"
    assert str(ip_literal("[::1]")) == "::1"
    assert ip_literal("example.com") is None
    assert ip_literal("0x7f.example") is None
    with pytest.raises(ValueError):
        ip_literal("1.2.3.999")


async def test_localhost_is_blocked_when_resolved() -> None:
    with pytest.raises(BlockedAddress):
        await resolve_public("localhost", 80, allow_private=False)


async def test_a_loopback_literal_is_blocked_when_resolved() -> None:
    with pytest.raises(BlockedAddress, match=r"127\.0\.0\.1"):
        await resolve_public("127.0.0.1", 80, allow_private=False)


async def test_localhost_resolves_when_private_addresses_are_allowed() -> None:
    addresses = await resolve_public("localhost", 80, allow_private=True)
    assert "127.0.0.1" in addresses or "::1" in addresses


def fake_dns(answers: dict[str, list[str]]) -> Any:
    async def getaddrinfo(host: str, port: int, **_: Any) -> list[Any]:
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, port, 0, 0) if ":" in address else (address, port),
            )
            for address in answers[host]
        ]

    return getaddrinfo


async def test_a_name_with_any_private_answer_is_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()
    monkeypatch.setattr(
        loop, "getaddrinfo", fake_dns({"rebound.example": ["93.184.215.14", "10.0.0.5"]})
    )
    with pytest.raises(BlockedAddress) as caught:
        await resolve_public("rebound.example", 443, allow_private=False)
    assert caught.value.address == "10.0.0.5"
    assert str(caught.value) == "blocked address 10.0.0.5"


async def test_a_name_with_an_ipv4_mapped_private_answer_is_blocked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loop = asyncio.get_running_loop()
    monkeypatch.setattr(loop, "getaddrinfo", fake_dns({"mapped.example": ["::ffff:127.0.0.1"]}))
    with pytest.raises(BlockedAddress):
        await resolve_public("mapped.example", 443, allow_private=False)


async def test_a_public_name_resolves_to_its_addresses_once_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loop = asyncio.get_running_loop()
    answers = ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "93.184.215.14"]
    monkeypatch.setattr(loop, "getaddrinfo", fake_dns({"hooks.example": answers}))
    assert await resolve_public("hooks.example", 443, allow_private=False) == answers[:2]


async def test_a_name_that_does_not_resolve_raises_the_resolver_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", fake_dns({}))
    with pytest.raises(socket.gaierror):
        await resolve_public("nowhere.example", 443, allow_private=False)
