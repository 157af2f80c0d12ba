"""What the improvement pages share: finding a visible cycle, safe return addresses, htmx."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .. import selectors
from ..models import PDCACycle


def visible_cycle(request: HttpRequest, reference: str) -> PDCACycle:
    """Return the cycle with its actions, team and links loaded, or refuse (403) / 404."""
    if not request.user.has_perm("improvement.view_pdcacycle"):
        raise PermissionDenied
    try:
        return selectors.cycle_detail(request.user, reference)
    except PDCACycle.DoesNotExist:
        raise Http404(_("No such cycle.")) from None


def is_htmx(request: HttpRequest) -> bool:
    """Return whether htmx sent the request (it swaps the answer into the page)."""
    return request.headers.get("HX-Request") == "true"


def back_to(request: HttpRequest, default: str) -> str:
    """Return the page a form came from (`next`), when it is on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
