"""Pages where quality managers add webhook endpoints, read their delivery log and replay."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import service_errors
from core.models import WebhookDelivery, WebhookEndpoint
from core.pagination import COUNT_LIMIT, page_of
from core.roles import acting_user

from . import selectors, services
from .forms import WebhookEndpointForm


@permission_required("core.view_webhookendpoint", raise_exception=True)
def endpoint_list(request: HttpRequest) -> HttpResponse:
    """List the endpoints, whether each is on, and how many deliveries wait."""
    page = page_of(request, selectors.webhook_endpoint_list())
    return render(request, "core/webhooks/endpoint_list.html", {"page_obj": page})


@permission_required("core.add_webhookendpoint", raise_exception=True)
def endpoint_create(request: HttpRequest) -> HttpResponse:
    """Add an endpoint, then show its signing secret once."""
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            endpoint = services.webhook_endpoint_create(
                **form.cleaned_data, by=acting_user(request)
            )
        if call.ok:
            messages.success(request, _("Endpoint added. Copy its signing secret now."))
            return render(
                request, "core/webhooks/endpoint_secret.html", {"endpoint": endpoint, "new": True}
            )
    return render(request, "core/webhooks/endpoint_form.html", {"form": form})


@permission_required("core.change_webhookendpoint", raise_exception=True)
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an endpoint's URL, description or event types."""
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    form = WebhookEndpointForm(request.POST or None, instance=endpoint)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            services.webhook_endpoint_update(endpoint=endpoint, **form.cleaned_data)
        if call.ok:
            messages.success(request, _("Endpoint saved."))
            return redirect("webhooks:endpoint-detail", pk=endpoint.pk)
    return render(request, "core/webhooks/endpoint_form.html", {"form": form, "endpoint": endpoint})


@permission_required("core.view_webhookendpoint", raise_exception=True)
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an endpoint and its delivery log: each delivery and each of its attempts."""
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    # Every event of every day, for years: counted up to a limit.
    page = page_of(request, selectors.webhook_delivery_list(endpoint), counted_up_to=COUNT_LIMIT)
    return render(
        request, "core/webhooks/endpoint_detail.html", {"endpoint": endpoint, "page_obj": page}
    )


@permission_required("core.change_webhookendpoint", raise_exception=True)
@require_POST
def endpoint_secret(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal the endpoint's signing secret (a POST, so it is never in a link or a cache)."""
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    return render(request, "core/webhooks/endpoint_secret.html", {"endpoint": endpoint})


@permission_required("core.change_webhookendpoint", raise_exception=True)
@require_POST
def endpoint_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the endpoint a new secret and show it; the old one still signs for a while."""
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    endpoint = services.webhook_secret_rotate(endpoint=endpoint)
    messages.success(request, _("New secret made. The previous one also signs until it expires."))
    return render(
        request, "core/webhooks/endpoint_secret.html", {"endpoint": endpoint, "rotated": True}
    )


@permission_required("core.change_webhookendpoint", raise_exception=True)
@require_POST
def endpoint_enable(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch a disabled endpoint on again."""
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    with service_errors(request=request) as call:
        services.webhook_endpoint_enable(endpoint=endpoint)
    if call.ok:
        messages.success(request, _("Endpoint enabled: new events are delivered to it again."))
    return redirect("webhooks:endpoint-detail", pk=endpoint.pk)


@permission_required("core.change_webhookendpoint", raise_exception=True)
@require_POST
def delivery_replay(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a delivery again now; the log shows the replay attempt."""
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("endpoint"), pk=pk)
    with service_errors(request=request) as call:
        services.webhook_replay(delivery=delivery, user=acting_user(request))
    if call.ok:
        messages.success(request, _("Delivery sent again: its attempts below show the answer."))
    return redirect("webhooks:endpoint-detail", pk=delivery.endpoint_id)
