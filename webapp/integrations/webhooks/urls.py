"""Which URLs a webhook may call: http(s) without credentials, to public addresses only.

An endpoint's URL is chosen by an organization's admin, but the request leaves from inside the platform's
network: without these checks a webhook could reach the cloud's metadata service, a database port or an
admin page on localhost (server-side request forgery). So the host's addresses must all be public
(``is_global``), unless ACUSIGHT_WEBHOOK_ALLOW_PRIVATE_URLS allows loopback, private and link-local ones.

The check runs when an endpoint is made or changed (a name that resolves to a private address is
refused then; one that does not resolve yet is accepted) and again at every delivery, where the
connection then goes to the very address checked (so a name re-pointed after the check, DNS rebinding,
gains nothing). One parser (httpx's) reads the URL for both the check and the request.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import httpx

MAX_URL_CHARS = 2000
# Addresses of one host an attempt may try in turn (each bounded by the timeout).
MAX_ADDRESSES = 3
SCHEMES = ("http", "https")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedURL(Exception):
    """A URL a webhook may not call; the message says why, in words for the API's answer."""


@dataclass(frozen=True)
class Target:
    """Where one attempt connects: the URL with the host replaced by the checked address, and what the
    request must still say of the name (the Host header; for https the TLS server name)."""

    url: httpx.URL
    host_header: str
    tls_name: str | None


def parse(url: str) -> httpx.URL:
    """The URL if its form is acceptable: http or https, a host, no user or password."""
    if len(url) > MAX_URL_CHARS:
        raise RefusedURL(f"the URL is longer than {MAX_URL_CHARS} characters")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise RefusedURL("the URL cannot be read") from None
    if parsed.scheme not in SCHEMES:
        raise RefusedURL("only http and https URLs are called")
    if not parsed.host:
        raise RefusedURL("the URL names no host")
    if parsed.userinfo:
        raise RefusedURL("the URL may not hold a user name or password (the signature authenticates)")
    if parsed.fragment:
        raise RefusedURL("the URL may not hold a #fragment")
    return parsed


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_public(address: IPAddress) -> bool:
    """Whether an address is on the public internet (an IPv4 address mapped into IPv6 is judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve(url: httpx.URL) -> list[IPAddress]:
    """The host's addresses (a literal address is its own); ``socket.gaierror`` when it has none."""
    literal = _literal(url.host)
    if literal is not None:
        return [literal]
    port = url.port or (443 if url.scheme == "https" else 80)
    infos = socket.getaddrinfo(url.host, port, type=socket.SOCK_STREAM)
    # The scope of a link-local IPv6 address ("fe80::1%eth0") is not part of the address.
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def _check(addresses: list[IPAddress], host: str, allow_private: bool) -> None:
    if allow_private:
        return
    for address in addresses:
        if not is_public(address):
            raise RefusedURL(
                f"{host} is {address}, not a public address (ACUSIGHT_WEBHOOK_ALLOW_PRIVATE_URLS allows it)"
            )


def check_new(url: str, allow_private: bool) -> str:
    """The URL, if an endpoint may have it; a name that does not resolve (yet) is accepted."""
    parsed = parse(url)
    try:
        addresses = resolve(parsed)
    except (OSError, UnicodeError):
        addresses = []  # checked again at each delivery
    _check(addresses, parsed.host, allow_private)
    return url


def targets(url: str, allow_private: bool) -> list[Target]:
    """Where an attempt may connect, checked now: the host's first MAX_ADDRESSES addresses, in the
    resolver's order (all refused when any address of the host is not public). Raises RefusedURL, or
    OSError when the name does not resolve."""
    parsed = parse(url)
    addresses = list(dict.fromkeys(resolve(parsed)))
    if not addresses:
        raise RefusedURL(f"{parsed.host} has no address")
    _check(addresses, parsed.host, allow_private)
    addresses = addresses[:MAX_ADDRESSES]
    tls_name = parsed.host if parsed.scheme == "https" and _literal(parsed.host) is None else None
    host_header = parsed.netloc.decode("ascii")
    return [
        Target(url=parsed.copy_with(host=str(address)), host_header=host_header, tls_name=tls_name)
        for address in addresses
    ]
