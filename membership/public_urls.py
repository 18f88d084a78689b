"""URLs a tenant chooses and the platform calls (webhook endpoints, a channel provider's base
URL): which may be saved, and which addresses a request may reach.

A tenant chooses the URL and the platform makes the request, so a URL must not let a tenant reach
the platform's own network (server-side request forgery). Two checks, because a name can point
anywhere and can change what it points to:

- ``check_url``, when an endpoint is saved: the URL is well formed, and its host is not a loopback,
  private or reserved IP literal (in any spelling a resolver accepts, such as ``0x7f.1``) or
  ``localhost``;
- ``resolve_public``, at connect time: every address the name resolves to is public, so neither a
  name that points inside nor one re-pointed after it was saved (DNS rebinding) is connected to.

``allow_private`` (``MEMBERSHIP_WEBHOOKS_ALLOW_PRIVATE_URLS``,
``MEMBERSHIP_CHANNELS_ALLOW_PRIVATE_URLS``) turns the address rules off, for development against
a receiver on the same machine.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from aiohttp.abc import AbstractResolver
from yarl import URL

from membership.errors import DomainError, ErrorCode

if TYPE_CHECKING:
    from aiohttp.abc import ResolveResult

__all__ = [
    "MAX_URL_LENGTH",
    "BlockedAddress",
    "PublicResolver",
    "check_literal_host",
    "check_url",
    "ip_literal",
    "is_local_name",
    "is_public_ip",
    "resolve_public",
]

MAX_URL_LENGTH = 2000

_SCHEMES = {"http": 80, "https": 443}
_SHARED = IPv4Network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_NAT64 = IPv6Network("64:ff9b::/96")  # well-known NAT64 prefix (RFC 6052), embeds an IPv4
_LOCAL_NAT64 = IPv6Network("64:ff9b:1::/48")  # local-use NAT64 (RFC 8215)
_LABEL = re.compile(r"[a-z0-9_-]{1,63}")
_HEX_NUMBER = re.compile(r"0x[0-9a-f]*")
_OCTAL_NUMBER = re.compile(r"0[0-7]+")
_DECIMAL_NUMBER = re.compile(r"0|[1-9][0-9]*")
_ANY_DIGITS = re.compile(r"[0-9]+")
_NUMERIC_FLAGS = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
# characters left as they are in a path or query; anything else (non-ASCII, quotes, braces) is
# percent-encoded, and existing %XX escapes are kept
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"


class BlockedAddress(Exception):
    """A delivery would reach a loopback, private or reserved address (or ``localhost``)."""

    def __init__(self, address: str) -> None:
        super().__init__(f"blocked address {address}")
        self.address = address


def check_url(url: str, *, allow_private: bool, field: list[str]) -> str:
    """The URL, normalised, if the platform may call it; ``DomainError(INVALID)`` otherwise.

    Normalised: scheme and host in lowercase, an internationalised host in punycode, IP literals in
    their canonical form (``http://2130706433/`` is ``http://127.0.0.1/``), the scheme's default
    port dropped, an empty path as ``/``, non-ASCII in the path and query percent-encoded.
    """
    if not isinstance(url, str):
        raise _error("Enter the URL as text.", field)
    text = url.strip()
    if len(text) > MAX_URL_LENGTH:
        raise _error("A URL has at most {max} characters.", field, max=MAX_URL_LENGTH)
    if not text:
        raise _error("Enter a URL such as https://example.com/webhooks.", field)
    if any(char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in text):
        raise _error("A URL cannot contain spaces or control characters.", field)
    try:
        parts = urlsplit(text)
    except ValueError:
        raise _error("Enter a URL such as https://example.com/webhooks.", field) from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise _error("URLs start with http:// or https://.", field)
    if "#" in text:
        raise _error("Remove the #fragment: it is never sent to the receiver.", field)
    if "@" in parts.netloc:
        raise _error(
            "Remove the user name and password from the URL; receivers verify the signature instead.",
            field,
        )
    if not parts.hostname:
        raise _error("The URL needs a host name.", field)
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port is not None and not 1 <= port <= 65535:
        raise _error("The port must be a number from 1 to 65535.", field)
    try:
        host, ip = _normalise_host(parts.hostname)
        if "[" in parts.netloc and not isinstance(ip, IPv6Address):
            raise ValueError("only an IPv6 address goes in brackets")
    except ValueError:
        raise _error("The host name is not valid.", field) from None
    if not allow_private and (is_local_name(host) if ip is None else not is_public_ip(ip)):
        raise _error(
            "{host} is a loopback, private or reserved address; the URL must be reachable from "
            "the internet.",
            field,
            host=host.strip("[]"),
        )
    netloc = host if port in (None, _SCHEMES[scheme]) else f"{host}:{port}"
    normalised = f"{scheme}://{netloc}{quote(parts.path, safe=_PATH_SAFE) or '/'}"
    if parts.query:
        normalised += "?" + quote(parts.query, safe=_QUERY_SAFE)
    if len(normalised) > MAX_URL_LENGTH:
        raise _error("A URL has at most {max} characters.", field, max=MAX_URL_LENGTH)
    return normalised


async def resolve_public(
    host: str,
    port: int,
    *,
    allow_private: bool,
    family: socket.AddressFamily = socket.AF_UNSPEC,
) -> list[str]:
    """The addresses ``host`` resolves to, in the resolver's order, without repeats.

    Unless ``allow_private``, raises ``BlockedAddress`` when the name is ``localhost`` or when any
    answer is not public: a mixed answer is refused as a whole rather than filtered, since a name
    that resolves inside is not a receiver to deliver to. Resolver failures raise ``OSError``
    (``socket.gaierror``).
    """
    if not allow_private and is_local_name(host):
        raise BlockedAddress(host)
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, family=family, type=socket.SOCK_STREAM
    )
    addresses: list[str] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    if not allow_private:
        for address in addresses:
            if not is_public_ip(address):
                raise BlockedAddress(address)
    return addresses


def check_literal_host(url: str, *, allow_private: bool) -> None:
    """Raise ``BlockedAddress`` for a URL whose host is a non-public IP literal: aiohttp connects
    to an IP literal without asking the resolver."""
    host = URL(url).raw_host
    if allow_private or host is None:
        return
    address = ip_literal(host)
    if address is not None and not is_public_ip(address):
        raise BlockedAddress(str(address))


class PublicResolver(AbstractResolver):
    """aiohttp's resolver hook: every name a connection is made to goes through resolve_public."""

    def __init__(self, *, allow_private: bool) -> None:
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        addresses = await resolve_public(
            host, port, allow_private=self._allow_private, family=family
        )
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": _NUMERIC_FLAGS,
            }
            for address in addresses
        ]

    async def close(self) -> None:
        pass


def is_public_ip(ip: str | IPv4Address | IPv6Address) -> bool:
    """Whether a delivery may connect to ``ip``: a globally routable unicast address.

    IPv6 forms that carry an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, 6to4 ``2002::/16``,
    NAT64 ``64:ff9b::/96``) are judged by the IPv4 address they reach. Anything that does not parse
    is not public.
    """
    if isinstance(ip, str):
        try:
            address: IPv4Address | IPv6Address = ipaddress.ip_address(ip)
        except ValueError:
            return False
    else:
        address = ip
    if isinstance(address, IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return _is_public_ipv4(embedded)
        return _is_public_ipv6(address)
    return _is_public_ipv4(address)


def is_local_name(host: str) -> bool:
    """``localhost`` and its subdomains, which resolve to loopback by convention (RFC 6761)."""
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def ip_literal(host: str) -> IPv4Address | IPv6Address | None:
    """The address a host written as an IP literal stands for; None for a name.

    Takes the forms resolvers accept for IPv4 (``2130706433``, ``0x7f.1``, ``0177.0.0.1``, as
    inet_aton and the WHATWG URL standard read them) and IPv6 with or without brackets. Raises
    ``ValueError`` for a host that ends in a number but is no valid address (``1.2.3.256``).
    """
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        if "%" in host:  # a zone id names an interface of this machine
            raise ValueError("IPv6 zone ids are not accepted")
        return IPv6Address(host)
    return _parse_ipv4(host.lower())


def _normalise_host(hostname: str) -> tuple[str, IPv4Address | IPv6Address | None]:
    """The host as it goes into a normalised URL, and its address when it is an IP literal."""
    ip = ip_literal(hostname)
    if isinstance(ip, IPv6Address):
        return f"[{ip.compressed}]", ip
    if ip is not None:
        return str(ip), ip
    if not hostname.isascii():
        hostname = hostname.encode("idna").decode("ascii")  # UnicodeError is a ValueError
        if _parse_ipv4(hostname) is not None:  # a full-width digit host, say
            raise ValueError("an internationalised name that spells an IP address")
    name = hostname.lower()
    labels = name[:-1].split(".") if name.endswith(".") else name.split(".")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"not a host name: {hostname!r}")
    return name, None


def _parse_ipv4(host: str) -> IPv4Address | None:
    """An IPv4 literal in any inet_aton / WHATWG spelling; None when the host is a name."""
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    last = parts[-1]
    if not _ANY_DIGITS.fullmatch(last) and not _HEX_NUMBER.fullmatch(last):
        return None  # a name: its last label is not a number
    if len(parts) > 4:
        raise ValueError("more than four parts in an IPv4 address")
    numbers = [_ipv4_number(part) for part in parts]
    if any(number > 255 for number in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise ValueError("an IPv4 part out of range")
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return IPv4Address(value)


def _ipv4_number(part: str) -> int:
    # matched digit by digit: int() alone would also take "1_0", "+1" and "-1"
    if _HEX_NUMBER.fullmatch(part):
        return int(part[2:], 16) if part[2:] else 0
    if _OCTAL_NUMBER.fullmatch(part):
        return int(part, 8)
    if _DECIMAL_NUMBER.fullmatch(part):
        return int(part)
    raise ValueError(f"not an IPv4 number: {part!r}")


def _embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_public_ipv4(address: IPv4Address) -> bool:
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address in _SHARED
    )


def _is_public_ipv6(address: IPv6Address) -> bool:
    # is_global alone is not enough before Python 3.12.4: it calls ff02::1, fec0::1 and ::7f00:1
    # global, hence the explicit checks
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_site_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address in _LOCAL_NAT64
    )


def _error(message: str, field: list[str], **params: object) -> DomainError:
    return DomainError(ErrorCode.INVALID, message, field, **params)
