"""Outbound HTTP to addresses people type (chat channels, webhook endpoints), kept off the inside.

A URL a quality manager or administrator types is fetched by the server, so without a check it
could reach what only the server can: the database, the cache, a cloud metadata service
(169.254.169.254), an admin page on localhost. `target_refusal` says why a URL must not be
reached, checking every address its host resolves to; `post_json` checks again just before it
sends, since a name can resolve elsewhere by then. `OUTBOUND_ALLOW_PRIVATE_TARGETS` lifts the
check for installations whose chat server or receiver lives on the internal network (and tests).
"""

import ipaddress
import json
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _


class RefusedTarget(Exception):
    """The URL points where this server must not send (see target_refusal)."""


def _address_refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Return why one resolved address is off limits, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if address.is_unspecified:
        return _("an unspecified address")
    if address.is_loopback:
        return _("a loopback address")
    if address.is_link_local:
        return _("a link-local address")
    if address.is_multicast:
        return _("a multicast address")
    if address.is_reserved:
        return _("a reserved address")
    if address.is_private:
        return _("a private address")
    if not address.is_global:  # shared address space (100.64.0.0/10) and the like
        return _("a non-public address")
    return None


def target_refusal(url: str) -> str | None:
    """Return why the server must not send to `url`, or None when it may."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("The URL is not valid.")
    allow_private = settings.OUTBOUND_ALLOW_PRIVATE_TARGETS
    if parts.scheme not in ("http", "https"):
        return _("The URL must start with https://.")
    if parts.scheme != "https" and not (settings.DEBUG or allow_private):
        return _("The URL must use https://.")
    host = parts.hostname
    if not host:
        return _("The URL has no host name.")
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return _("The host name %(host)s could not be resolved.") % {"host": host}
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).partition("%")[0])  # drop an IPv6 zone
        reason = _address_refusal(address)
        if reason:
            return _("%(host)s points to %(reason)s (%(address)s), which is not allowed.") % {
                "host": host,
                "reason": reason,
                "address": address,
            }
    return None


def post(
    url: str, content: bytes, headers: dict[str, str] | None = None, timeout: float = 10
) -> httpx.Response:
    """POST `content` to `url` after checking the target again; redirects are not followed.

    Raises RefusedTarget when the URL is off limits now, and httpx.HTTPError on network errors;
    any HTTP status is returned for the caller to judge. The bytes are sent as given (a webhook's
    signature covers exactly them).
    """
    reason = target_refusal(url)
    if reason:
        raise RefusedTarget(reason)
    return httpx.post(
        url,
        content=content,
        headers={"User-Agent": "LoyaltyQMS", **(headers or {})},
        timeout=timeout,
        follow_redirects=False,
    )


def post_json(
    url: str, payload: Any, headers: dict[str, str] | None = None, timeout: float = 10
) -> httpx.Response:
    """POST `payload` as JSON to `url` through `post` (the same checks)."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    return post(url, body, {"Content-Type": "application/json", **(headers or {})}, timeout)
