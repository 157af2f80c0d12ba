"""The SLA policy page: targets per severity and the frontline limit."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import service_errors

from .. import selectors, services
from ..forms import FrontlineLimitForm, SeverityPolicyForm


@permission_required("feedback.view_severitypolicy", raise_exception=True)
def sla_policy(request: HttpRequest) -> HttpResponse:
    """Show the SLA targets per severity and the frontline limit; quality managers edit them."""
    policies = selectors.all_policies()
    can_edit = request.user.has_perm("feedback.change_severitypolicy")
    data = request.POST if request.method == "POST" else None
    if data is not None and not can_edit:
        raise PermissionDenied
    forms = [
        SeverityPolicyForm(data, instance=policy, prefix=f"s{policy.severity}")
        for policy in policies
    ]
    limit_form = FrontlineLimitForm(data, initial={"highest_severity": selectors.frontline_limit()})
    if data is not None and all(form.is_valid() for form in forms) and limit_form.is_valid():
        # The targets and the limit are one change: a refused limit leaves the targets unsaved.
        with service_errors(limit_form) as call, transaction.atomic():
            for form in forms:
                services.severity_policy_update(policy=form.instance, **form.cleaned_data)
            services.frontline_limit_set(
                highest_severity=limit_form.cleaned_data["highest_severity"]
            )
        if call.ok:
            messages.success(
                request, _("SLA targets saved. They apply to complaints logged from now on.")
            )
            return redirect("feedback:sla-policy")
    return render(
        request,
        "feedback/policies/sla_policy.html",
        {
            "rows": list(zip(policies, forms, strict=True)),
            "limit_form": limit_form,
            "can_edit": can_edit,
        },
    )
