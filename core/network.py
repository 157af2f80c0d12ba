"""The client's network address, as far as the deployment can vouch for it.

Behind `TRUSTED_PROXY_COUNT` reverse proxies, each proxy appends the address it was reached from
to `X-Forwarded-For`, so the right-most entries are written by proxies the operator trusts and
everything to their left came from the client, who may write anything there. The client is the
entry the outermost trusted proxy appended: the `TRUSTED_PROXY_COUNT`-th from the right. Without
proxies (the default) the header is ignored and the address is the connection's `REMOTE_ADDR`.

The public survey throttle, the sign-in limiter (django-axes' `AXES_CLIENT_IP_CALLABLE`) and the
record of sign-ins take the address from here, so they all agree on who the client is.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request


def _address(text: str) -> str | None:
    """Return the IP address in one header entry ("203.0.113.7", "[2001:db8::1]:443"), or None."""
    candidate = text.strip()
    if candidate.startswith("["):  # [IPv6]:port
        candidate = candidate[1:].partition("]")[0]
    elif candidate.count(":") == 1:  # IPv4:port; a bare IPv6 address has several colons
        candidate = candidate.partition(":")[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_address(request: HttpRequest | Request) -> str:
    """Return the client's address: REMOTE_ADDR, or the trusted proxies' X-Forwarded-For entry.

    Returns "" when the connection has no address (a test request, a Unix socket). An entry that
    is not an IP address, or a request that reached the application without passing a proxy,
    falls back to REMOTE_ADDR: the connection itself is the one thing nobody can forge.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return remote
    # Fewer entries than proxies: every entry was written by a trusted proxy; take the outermost.
    chosen = _address(hops[max(len(hops) - proxies, 0)])
    return chosen or remote


def axes_client_address(request: HttpRequest | Request) -> str | None:
    """Return the client's address for django-axes (None when unknown: its column allows null)."""
    return client_address(request) or None
