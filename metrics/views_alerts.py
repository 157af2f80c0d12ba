"""Alert pages: the alert rules (quality managers define them) and "My alerts", where each member
of staff subscribes to rules and reads the recent alerts.

Input errors come back as the page again with each error next to its field (status 400); a rule
refusing the action names the field it concerns, or shows at the top of the form.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.forms import ServiceCall, add_service_errors, service_errors
from core.pagination import page_of
from core.roles import acting_user

from . import selectors_alerts as selectors
from . import services_alerts as services
from .forms_alerts import (
    AlertRuleForm,
    AlertSubscribeForm,
    RoleSubscribeForm,
    SubscriptionFrequencyForm,
)
from .models import AlertRule, AlertSubscription

# The rules ---------------------------------------------------------------------------------------


@permission_required("metrics.view_alertrule", raise_exception=True)
def rule_list(request: HttpRequest) -> HttpResponse:
    """List the alert rules: what raises each, on which indicators, and how many subscribe."""
    rules = selectors.alert_rules_visible_to(acting_user(request))
    return render(request, "metrics/alerts/rule_list.html", {"page_obj": page_of(request, rules)})


def _rule_form_page(
    request: HttpRequest, form: AlertRuleForm, rule: AlertRule | None
) -> HttpResponse:
    return render(
        request,
        "metrics/alerts/rule_form.html",
        {"form": form, "rule": rule},
        status=400 if form.is_bound and form.errors else 200,
    )


@permission_required("metrics.add_alertrule", raise_exception=True)
def rule_create(request: HttpRequest) -> HttpResponse:
    """Define an alert rule; the next recompute of an indicator in its scope judges it."""
    form = AlertRuleForm(
        request.POST or None,
        initial={"trigger": AlertRule.Trigger.SIGNAL, "scope": AlertRule.Scope.ALL},
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            rule = services.alert_rule_create(user=acting_user(request), **form.definition())
        if call.ok:
            messages.success(
                request, _("Alert rule “%(name)s” defined: subscribe to it.") % {"name": rule}
            )
            return redirect("metrics:alert-mine")
    return _rule_form_page(request, form, None)


@permission_required("metrics.change_alertrule", raise_exception=True)
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an alert rule (alerts it raised stay as they are), or switch it back on."""
    rule = get_object_or_404(selectors.alert_rules_visible_to(acting_user(request)), pk=pk)
    form = AlertRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            services.alert_rule_update(rule=rule, **form.definition())
        if call.ok:
            messages.success(request, _("Alert rule “%(name)s” saved.") % {"name": rule})
            return redirect("metrics:alert-rule-list")
    return _rule_form_page(request, form, rule)


@permission_required("metrics.change_alertrule", raise_exception=True)
@require_POST
def rule_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop a rule raising alerts; its subscriptions and past alerts are kept."""
    rule = get_object_or_404(selectors.alert_rules_visible_to(acting_user(request)), pk=pk)
    services.alert_rule_deactivate(rule=rule)
    messages.success(
        request, _("Alert rule “%(name)s” switched off; its alerts are kept.") % {"name": rule}
    )
    return redirect("metrics:alert-rule-list")


# My alerts ---------------------------------------------------------------------------------------


def _mine_page(
    request: HttpRequest,
    *,
    subscribe: AlertSubscribeForm | None = None,
    role: RoleSubscribeForm | None = None,
) -> HttpResponse:
    """Render "My alerts"; a form given is a bound one with errors, shown again (status 400)."""
    user = acting_user(request)
    manages = selectors.may_manage_alert_rules(user)
    return render(
        request,
        "metrics/alerts/mine.html",
        {
            "subscriptions": list(selectors.subscriptions_of(user)),
            "subscribe_form": subscribe or AlertSubscribeForm(),
            "role_form": role or (RoleSubscribeForm() if manages else None),
            "frequencies": AlertSubscription.Frequency.choices,
            "page_obj": page_of(request, selectors.alerts_visible_to(user)),
            "manages": manages,
        },
        status=400 if subscribe is not None or role is not None else 200,
    )


def _show_refusal(form: forms.Form, call: ServiceCall) -> None:
    """Put a service's refusal next to the field it names, or at the top of the form."""
    error = call.error
    if isinstance(error, ApplicationError):
        named = str(error.extra.get("field", ""))
        renamed = getattr(form, "SERVICE_FIELDS", {}).get(named, named)
        form.add_error(renamed if renamed in form.fields else None, error.message)
    elif error is not None:
        add_service_errors(form, error)


@permission_required("metrics.view_alertsubscription", raise_exception=True)
def alert_mine(request: HttpRequest) -> HttpResponse:
    """Show one's subscriptions, the forms to subscribe, and the recent alerts one may see."""
    return _mine_page(request)


def _subscribe(request: HttpRequest, form: forms.Form, fields: dict[str, Any]) -> bool:
    """Subscribe through the service; return whether it did, with its refusal on the form."""
    with service_errors() as call:
        services.alert_subscription_create(by=acting_user(request), **fields)
    _show_refusal(form, call)
    return call.ok


@permission_required("metrics.add_alertsubscription", raise_exception=True)
@require_POST
def alert_subscribe(request: HttpRequest) -> HttpResponse:
    """Subscribe oneself to a rule."""
    form = AlertSubscribeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _subscribe(request, form, dict(data)):
            messages.success(request, _("Subscribed to “%(rule)s”.") % {"rule": data["rule"]})
            return redirect("metrics:alert-mine")
    return _mine_page(request, subscribe=form)


@permission_required("metrics.change_alertrule", raise_exception=True)
@require_POST
def alert_subscribe_role(request: HttpRequest) -> HttpResponse:
    """Subscribe everyone holding a role to a rule (quality managers)."""
    form = RoleSubscribeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        fields = {
            "rule": data["role_rule"],
            "role": data["role"],
            "channel": data["role_channel"],
            "frequency": data["role_frequency"],
        }
        if _subscribe(request, form, fields):
            messages.success(
                request,
                _("Everyone in the role “%(role)s” is subscribed to “%(rule)s”.")
                % {"role": data["role"], "rule": data["role_rule"]},
            )
            return redirect("metrics:alert-mine")
    return _mine_page(request, role=form)


def _subscription(request: HttpRequest, pk: int) -> AlertSubscription:
    """Return a subscription the user manages (404 for anyone else's)."""
    return get_object_or_404(selectors.subscriptions_of(acting_user(request)), pk=pk)


@permission_required("metrics.change_alertsubscription", raise_exception=True)
@require_POST
def subscription_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Change how often a subscription is told."""
    subscription = _subscription(request, pk)
    form = SubscriptionFrequencyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how often, from the list."))
        return redirect("metrics:alert-mine")
    with service_errors(request=request) as call:
        services.alert_subscription_update(
            by=acting_user(request),
            subscription=subscription,
            frequency=form.cleaned_data["frequency"],
        )
    if call.ok:
        messages.success(
            request,
            _("“%(rule)s”: %(frequency)s.")
            % {"rule": subscription.rule, "frequency": subscription.get_frequency_display()},
        )
    return redirect("metrics:alert-mine")


@permission_required("metrics.delete_alertsubscription", raise_exception=True)
@require_POST
def unsubscribe(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a subscription."""
    subscription = _subscription(request, pk)
    with service_errors(request=request) as call:
        services.alert_subscription_delete(by=acting_user(request), subscription=subscription)
    if call.ok:
        messages.success(request, _("Unsubscribed from “%(rule)s”.") % {"rule": subscription.rule})
    return redirect("metrics:alert-mine")
