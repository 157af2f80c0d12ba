"""One complaint's page, as every form posted on it shows it again: the facts, SLA clocks and
timeline, the steps the user can take, and what passes between staff and the customer.

The life-cycle steps (`views.complaints`) and the customer's e-mails and replies
(`views.complaint_messages`) post to their own addresses; a refused post shows this page again
with the form as it was posted, its errors next to its fields.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import history_panel

from .. import lifecycle, selectors
from ..forms import (
    ACTION_FORMS,
    ContactEmailForm,
    CustomerEmailForm,
    CustomerMessageForm,
    ReplyLogForm,
)
from ..models import Complaint, ReplyTemplate
from ..reply_placeholders import placeholder_values, prefill

# The steps that may e-mail the customer, and the templates each offers.
EMAIL_STEPS = {
    "acknowledge": ReplyTemplate.Purpose.ACKNOWLEDGEMENT,
    "respond": ReplyTemplate.Purpose.RESPONSE,
}
# The customer panel's forms, keyed as `bound` names them.
PANEL_FORMS: dict[str, type[Form]] = {
    "write": CustomerMessageForm,
    "reply": ReplyLogForm,
    "contact": ContactEmailForm,
}


def visible_complaint(request: HttpRequest, pk: int) -> Complaint:
    """Return the complaint of the URL if the user may read it (else 403 or 404)."""
    if not request.user.has_perm("feedback.view_complaint"):
        raise PermissionDenied
    try:
        return selectors.complaint_detail(request.user, pk)
    except Complaint.DoesNotExist:
        raise Http404(_("No such complaint, or it is not yours to see.")) from None


def require_step(user: Any, complaint: Complaint, action: str) -> None:
    """Refuse (403) whoever may not take the step on the complaint, whatever they post."""
    policy = selectors.policy_for(complaint.severity)
    if not lifecycle.may_act(
        user, complaint, action, frontline_may_resolve=policy.frontline_may_resolve
    ):
        raise PermissionDenied


def may_handle(user: Any, complaint: Complaint) -> bool:
    """Return whether the user handles the complaint: logs replies, keeps the address."""
    return lifecycle.may_act(user, complaint, "comment", frontline_may_resolve=False)


def may_write(user: Any, complaint: Complaint) -> bool:
    """Return whether the user may e-mail the customer about the complaint now: those who
    resolve it, while it is open and has an address."""
    policy = selectors.policy_for(complaint.severity)
    return (
        complaint.is_open
        and bool(complaint.contact_email)
        and lifecycle.may_act(
            user, complaint, "respond", frontline_may_resolve=policy.frontline_may_resolve
        )
    )


def template_fills(user: Any, complaint: Complaint) -> dict[int, dict[str, str]]:
    """Return each offered template's subject and text, filled for this complaint and writer.

    The decision stays a placeholder until the complaint is responded to (a reopened one's
    earlier decision is not the one to come): the respond form fills it with the decision typed
    beside it when the e-mail is sent.
    """
    values = placeholder_values(complaint, user)
    decided = complaint.status in (Complaint.Status.RESPONDED, Complaint.Status.CLOSED)
    keep = frozenset() if decided else frozenset({"decision"})
    return {
        template.pk: {
            "subject": prefill(template.subject, values, keep=keep),
            "body": prefill(template.body, values, keep=keep),
        }
        for template in selectors.active_reply_templates()
    }


def _starting(
    form: CustomerMessageForm, fills: dict[int, dict[str, str]], purpose: str
) -> CustomerMessageForm:
    """Return a blank e-mail form filled from the first offered template of the purpose."""
    template = selectors.active_reply_templates(purpose).first()
    if template is not None and template.pk in fills:
        form.initial.update({"template": template.pk, **fills[template.pk]})
    return form


def refilled(
    form_class: type[CustomerMessageForm],
    data: Any,
    fills: dict[int, dict[str, str]],
    purpose: str | None,
) -> CustomerMessageForm:
    """Return the e-mail form as posted, its subject and text replaced by the chosen template's
    (the "Use this template" button, for browsers without JavaScript)."""
    values = data.copy()
    chosen = str(values.get("template", ""))
    if chosen.isdigit() and int(chosen) in fills:
        values.update(fills[int(chosen)])
    return form_class(values, purpose=purpose)


def email_forms(
    user: Any, complaint: Complaint, actions: list[str], fills: dict[int, dict[str, str]]
) -> dict[str, Form]:
    """Return a blank e-mail form for each step offered that may e-mail the customer."""
    if not may_write(user, complaint):
        return {}
    return {
        action: _starting(
            CustomerEmailForm(purpose=purpose, initial={"send_email": True}), fills, purpose
        )
        for action, purpose in EMAIL_STEPS.items()
        if action in actions
    }


def render_complaint(
    request: HttpRequest,
    complaint: Complaint,
    bound: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Show the complaint's page; `bound` holds the posted forms to show as they were posted
    (a step by its action, its e-mail as "email:<action>", the customer panel's by its key)."""
    user = request.user
    bound = bound or {}
    policy = selectors.policy_for(complaint.severity)
    actions = lifecycle.available_actions(
        user, complaint, frontline_may_resolve=policy.frontline_may_resolve
    )
    forms: dict[str, Form] = {action: ACTION_FORMS[action]() for action in actions}
    handles = may_handle(user, complaint)
    writes = may_write(user, complaint)
    fills = template_fills(user, complaint) if writes else {}
    emails = email_forms(user, complaint, actions, fills)
    panel: dict[str, Form] = {}
    if writes:
        # Any offered template may start a message; the first progress update is shown.
        panel["write"] = _starting(CustomerMessageForm(), fills, ReplyTemplate.Purpose.UPDATE)
    if handles and complaint.contact_email:
        panel["reply"] = ReplyLogForm()
    if handles:
        panel["contact"] = ContactEmailForm(initial={"contact_email": complaint.contact_email})
    if "close" in forms and complaint.contact_email:
        forms["close"] = ACTION_FORMS["close"](initial={"send_csat_to": complaint.contact_email})
    for key, form in bound.items():
        if key.startswith("email:"):
            emails[key.removeprefix("email:")] = form
        elif key in PANEL_FORMS:
            panel[key] = form
        else:
            forms[key] = form
    opened = next(iter(bound), "").removeprefix("email:")
    owner_above_limit = (
        not lifecycle.is_manager(user)
        and lifecycle.is_owner(user, complaint)
        and not policy.frontline_may_resolve
        and complaint.is_open
    )
    return render(
        request,
        "feedback/complaints/complaint_detail.html",
        {
            "complaint": complaint,
            "timeline": selectors.complaint_timeline(complaint),
            "actions": [
                (action, lifecycle.ACTION_LABELS[action], forms[action], emails.get(action))
                for action in actions
            ],
            "open_action": opened if opened in forms else "",
            "open_panel": opened if opened in PANEL_FORMS else "",
            "panel": panel,
            "handles": handles,
            "writes": writes,
            "reply_fills": {str(pk): texts for pk, texts in fills.items()},
            "invitations": list(selectors.complaint_invitations(complaint)),
            "now": timezone.now(),
            "owner_above_limit": owner_above_limit,
            "history": history_panel(complaint),
            "policy": policy,
            "sla_state": complaint.sla_state(),
        },
        status=status,
    )
