"""Writes of complaints: logging, life-cycle steps, comments, assignment and escalation."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.mail import site_link
from core.references import next_reference
from core.saving import validated_save
from core.webhooks.services import webhook_emit
from journeys.models import Journey, Touchpoint
from stakeholders.models import Customer

from .. import emails, lifecycle, sla
from ..models import Complaint, ComplaintEvent, ReplyTemplate, Severity
from ..selectors.policies import policy_for
from .complaint_messages import complaint_message_send
from .insights import insight_from_complaint
from .surveys import complaint_csat_invite

# Clocks of the devices that log complaints drift: a receipt time this far ahead is accepted.
FUTURE_TOLERANCE = timedelta(minutes=5)


def _user_label(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _event(
    complaint: Complaint,
    kind: str,
    actor: User,
    at: datetime,
    *,
    from_status: str = "",
    to_status: str = "",
    text: str = "",
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        actor=actor,
        at=at,
        from_status=from_status,
        to_status=to_status,
        text=text,
    )


def _require(by: Any, complaint: Complaint, action: str) -> None:
    policy = policy_for(complaint.severity)
    if not lifecycle.may_act(
        by, complaint, action, frontline_may_resolve=policy.frontline_may_resolve
    ):
        if action in lifecycle.RESOLVING_ACTIONS and lifecycle.is_owner(by, complaint):
            raise PermissionDenied(
                _("%(severity)s complaints are handled by quality managers: escalate it instead.")
                % {"severity": complaint.get_severity_display()}
            )
        raise PermissionDenied(_("You may not do this on %(reference)s.") % complaint.__dict__)


def _locked(complaint: Complaint) -> Complaint:
    """Re-read the complaint under a row lock, so that two people cannot both move it on."""
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def complaint_log(
    *,
    logged_by: User,
    description: str,
    severity: int = Severity.MEDIUM,
    channel: str = Complaint.Channel.PHONE,
    journey: Journey | None = None,
    touchpoint: Touchpoint | None = None,
    remedy_requested: str = "",
    customer_reference: str = "",
    received_at: datetime | None = None,
    source: str = Complaint.Source.STAFF,
    external_id: str = "",
    resolved_at_first_contact: bool = False,
    decision: str = "",
    contact_email: str = "",
) -> Complaint:
    """Log a complaint: give it a reference, attribute it to its touchpoint's owner, start its
    SLA clocks, and, when resolved at first contact, record the response and the closure.

    The customer's e-mail address, when given, is kept on this complaint only (to acknowledge
    and answer them from its page)."""
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + FUTURE_TOLERANCE:
        raise ValidationError({"received_at": _("A complaint cannot be received in the future.")})
    if touchpoint is not None:
        touchpoint_journey = Journey.objects.get(stages__touchpoints=touchpoint)
        if journey is not None and journey.pk != touchpoint_journey.pk:
            raise ValidationError(
                {
                    "touchpoint": _("This touchpoint belongs to the journey %(name)s.")
                    % {"name": touchpoint_journey.name}
                }
            )
        journey = touchpoint_journey
    customer_reference = customer_reference.strip()
    policy = policy_for(severity) if severity in Severity.values else None
    if policy is None:
        raise ValidationError({"severity": _("Choose a severity.")})
    if resolved_at_first_contact and not decision.strip():
        raise ValidationError(
            {"decision": _("Say what was agreed with the customer to resolve it at once.")}
        )
    clocks = sla.clocks_for(received_at, policy)
    complaint = Complaint(
        description=description,
        channel=channel,
        journey=journey,
        touchpoint=touchpoint,
        owner_department_id=touchpoint.owner_department_id if touchpoint else None,
        owner_partner_id=touchpoint.owner_partner_id if touchpoint else None,
        severity=severity,
        remedy_requested=remedy_requested,
        customer_reference=customer_reference,
        contact_email=contact_email.strip(),
        customer=(
            Customer.objects.filter(external_reference=customer_reference).first()
            if customer_reference
            else None
        ),
        source=source,
        external_id=external_id,
        logged_by=logged_by,
        received_at=received_at,
        acknowledge_due_at=clocks.acknowledge_due_at,
        acknowledge_at_risk_from=clocks.acknowledge_at_risk_from,
        resolve_due_at=clocks.resolve_due_at,
        resolve_at_risk_from=clocks.resolve_at_risk_from,
        reference="pending",
    )
    complaint.full_clean(exclude=["reference"])
    if (
        resolved_at_first_contact
        and not policy.frontline_may_resolve
        and not lifecycle.is_manager(logged_by)
    ):
        raise ValidationError(
            {
                "resolved_at_first_contact": _(
                    "%(severity)s complaints are resolved by quality managers: log it "
                    "without resolving, then escalate."
                )
                % {"severity": complaint.get_severity_display()}
            }
        )
    complaint.reference = next_reference("CMP", year=timezone.localtime(received_at).year)
    complaint.save()
    _event(complaint, ComplaintEvent.Kind.LOGGED, logged_by, received_at, to_status="received")
    insight_from_complaint(complaint=complaint)
    # Before a closure at first contact, so that receivers get "created" ahead of "closed".
    webhook_emit("complaint.created", _webhook_data(complaint))
    if resolved_at_first_contact:
        complaint_acknowledge(complaint=complaint, by=logged_by, at=received_at)
        complaint_respond(complaint=complaint, by=logged_by, decision=decision, at=received_at)
        complaint_close(complaint=complaint, by=logged_by, customer_accepted=True, at=received_at)
        validated_save(Complaint.objects.get(pk=complaint.pk), resolved_at_first_contact=True)
        complaint.refresh_from_db()
    return complaint


def _webhook_data(complaint: Complaint) -> dict[str, Any]:
    """Return a complaint as webhook receivers get it: keys and codes, no customer data (the
    description and the customer's reference stay in LoyaltyQMS, behind the page's rules)."""
    return {
        "id": complaint.pk,
        "reference": complaint.reference,
        "status": complaint.status,
        "severity": complaint.severity,
        "channel": complaint.channel,
        "source": complaint.source,
        "external_id": complaint.external_id,
        "journey_id": complaint.journey_id,
        "touchpoint_id": complaint.touchpoint_id,
        "owner_department_id": complaint.owner_department_id,
        "owner_partner_id": complaint.owner_partner_id,
        "received_at": complaint.received_at,
        "closed_at": complaint.closed_at,
        "customer_accepted": complaint.customer_accepted,
        "url": site_link(complaint.get_absolute_url()),
    }


def _transition(
    complaint: Complaint, action: str, by: Any, at: datetime | None, text: str = "", **fields: Any
) -> Complaint:
    move = lifecycle.TRANSITIONS.begin(complaint, action, by=by, guard=_require)
    at = at or timezone.now()
    validated_save(move.row, status=move.target, **fields)
    _event(
        move.row,
        action_event_kind(action),
        by,
        at,
        from_status=move.source,
        to_status=move.target,
        text=text,
    )
    complaint.refresh_from_db()
    return complaint


def action_event_kind(action: str) -> str:
    """Return the timeline kind recorded for a life-cycle action."""
    return {
        "acknowledge": ComplaintEvent.Kind.ACKNOWLEDGED,
        "investigate": ComplaintEvent.Kind.INVESTIGATING,
        "respond": ComplaintEvent.Kind.RESPONDED,
        "close": ComplaintEvent.Kind.CLOSED,
        "reopen": ComplaintEvent.Kind.REOPENED,
    }[action]


def _email_customer(
    complaint: Complaint,
    by: User,
    at: datetime,
    subject: str,
    body: str,
    template: ReplyTemplate | None,
) -> None:
    """E-mail the customer with the step, when the step's form wrote them a message."""
    if subject.strip() or body.strip():
        complaint_message_send(
            complaint=complaint, by=by, subject=subject, body=body, template=template, at=at
        )


@transaction.atomic
def complaint_acknowledge(
    *,
    complaint: Complaint,
    by: User,
    note: str = "",
    at: datetime | None = None,
    email_subject: str = "",
    email_body: str = "",
    email_template: ReplyTemplate | None = None,
) -> Complaint:
    """Acknowledge receipt to the customer; stops the acknowledgement clock. With an e-mail's
    subject and text, the customer is e-mailed the acknowledgement (placeholders filled)."""
    at = at or timezone.now()
    acknowledged = _transition(
        complaint,
        "acknowledge",
        by,
        at,
        note,
        acknowledged_at=at,
        acknowledged_within_sla=at <= complaint.acknowledge_due_at,
    )
    _email_customer(acknowledged, by, at, email_subject, email_body, email_template)
    return acknowledged


@transaction.atomic
def complaint_investigate(
    *, complaint: Complaint, by: User, note: str = "", at: datetime | None = None
) -> Complaint:
    """Start investigating the complaint."""
    return _transition(complaint, "investigate", by, at, note)


@transaction.atomic
def complaint_set_root_cause(
    *, complaint: Complaint, by: User, category: str, text: str = ""
) -> Complaint:
    """Record the root cause found during investigation (a fishbone "6M" category and notes)."""
    locked = _locked(complaint)
    _require(by, locked, "root_cause")
    if locked.status != Complaint.Status.INVESTIGATING:
        raise ApplicationError(
            _("%(reference)s is %(status)s: the root cause is set during investigation.")
            % {"reference": locked.reference, "status": locked.get_status_display().lower()}
        )
    if category not in Complaint.RootCause.values:
        raise ValidationError({"root_cause_category": _("Choose one of the six categories.")})
    validated_save(locked, root_cause_category=category, root_cause=text.strip())
    label = Complaint.RootCause(category).label
    _event(
        locked,
        ComplaintEvent.Kind.ROOT_CAUSE,
        by,
        timezone.now(),
        text=f"{label}: {text.strip()}" if text.strip() else str(label),
    )
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaint_respond(
    *,
    complaint: Complaint,
    by: User,
    decision: str,
    at: datetime | None = None,
    email_subject: str = "",
    email_body: str = "",
    email_template: ReplyTemplate | None = None,
) -> Complaint:
    """Record the decision communicated to the customer; stops the resolution clock. With an
    e-mail's subject and text, the customer is e-mailed the decision ({decision} is filled)."""
    if not decision.strip():
        raise ValidationError({"decision": _("Say what was decided and told to the customer.")})
    at = at or timezone.now()
    responded = _transition(
        complaint,
        "respond",
        by,
        at,
        decision.strip(),
        decision=decision.strip(),
        responded_at=at,
        resolved_within_sla=at <= complaint.resolve_due_at,
    )
    _email_customer(responded, by, at, email_subject, email_body, email_template)
    return responded


@transaction.atomic
def complaint_close(
    *,
    complaint: Complaint,
    by: User,
    customer_accepted: bool | None,
    satisfaction: int | None = None,
    at: datetime | None = None,
    send_csat_to: str = "",
) -> Complaint:
    """Close the complaint, recording whether the customer accepted the response.

    With `send_csat_to`, the customer is e-mailed a CSAT survey invitation for the complaint
    once the closure has committed (the address is kept on the invitation only).
    """
    if customer_accepted is None:
        raise ValidationError(
            {"customer_accepted": _("Say whether the customer accepted the response.")}
        )
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise ValidationError({"customer_satisfaction": _("Satisfaction is a score from 1 to 5.")})
    at = at or timezone.now()
    text = (
        _("Customer accepted the response.")
        if customer_accepted
        else _("Customer did not accept the response.")
    )
    if satisfaction is not None:
        text += " " + _("Satisfaction %(score)d/5.") % {"score": satisfaction}
    closed = _transition(
        complaint,
        "close",
        by,
        at,
        text,
        closed_at=at,
        customer_accepted=customer_accepted,
        customer_satisfaction=satisfaction,
    )
    if send_csat_to.strip():
        complaint_csat_invite(complaint=closed, email=send_csat_to, by=by)
    webhook_emit("complaint.closed", _webhook_data(closed))
    return closed


@transaction.atomic
def complaint_reopen(
    *, complaint: Complaint, by: User, reason: str, at: datetime | None = None
) -> Complaint:
    """Reopen a responded or closed complaint for further investigation (a reason is required).

    The resolution clock keeps its original due time; its outcome is decided again at the next
    response. The earlier decision and closure stay on the timeline.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the complaint is reopened.")})
    # Counted from the locked row, so that a stale copy cannot lose an earlier reopening.
    reopen_count = _locked(complaint).reopen_count + 1
    return _transition(
        complaint,
        "reopen",
        by,
        at,
        reason.strip(),
        responded_at=None,
        closed_at=None,
        resolved_within_sla=None,
        customer_accepted=None,
        customer_satisfaction=None,
        resolved_at_first_contact=False,
        reopen_count=reopen_count,
    )


@transaction.atomic
def complaint_comment(*, complaint: Complaint, by: User, text: str) -> ComplaintEvent:
    """Add a comment to the complaint's timeline."""
    _require(by, complaint, "comment")
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    return _event(complaint, ComplaintEvent.Kind.COMMENT, by, timezone.now(), text=text.strip())


def _check_assignee(assignee: User) -> None:
    if not assignee.is_active:
        raise ValidationError(
            {"assignee": _("%(name)s's account is not active.") % {"name": _user_label(assignee)}}
        )
    # Those who log complaints handle them (frontline staff, quality managers); executives read.
    if not assignee.has_perm("feedback.add_complaint"):
        raise ValidationError(
            {
                "assignee": _("%(name)s has no role that handles complaints.")
                % {"name": _user_label(assignee)}
            }
        )


@transaction.atomic
def complaint_assign(*, complaint: Complaint, assignee: User, by: User) -> Complaint:
    """Assign the complaint to a person, who is told by e-mail."""
    return complaint_bulk_assign(complaints=[complaint], assignee=assignee, by=by)[0]


@transaction.atomic
def complaint_bulk_assign(
    *, complaints: Iterable[Complaint], assignee: User, by: User
) -> list[Complaint]:
    """Assign several open complaints to one person, who gets one e-mail listing them."""
    if not lifecycle.is_manager(by):
        raise PermissionDenied(_("Only quality managers assign complaints."))
    _check_assignee(assignee)
    ids = [complaint.pk for complaint in complaints]
    rows = list(Complaint.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    closed = [row.reference for row in rows if not row.is_open]
    if closed:
        raise ApplicationError(
            _("Closed complaints are not assigned: %(references)s.")
            % {"references": ", ".join(closed)}
        )
    now = timezone.now()
    changed = []
    events = []
    for row in rows:
        if row.assignee_id == assignee.pk:
            continue
        validated_save(row, assignee=assignee)
        events.append(
            _event(row, ComplaintEvent.Kind.ASSIGNED, by, now, text=_user_label(assignee))
        )
        changed.append(row)
    if changed:
        emails.notify_assignment(
            sorted(changed, key=lambda row: row.reference),
            assignee,
            key=f"complaint-assigned:{events[0].pk}",
        )
    return rows


@transaction.atomic
def complaint_escalate(*, complaint: Complaint, by: User, note: str = "") -> Complaint:
    """Hand the complaint to quality managers (one click for frontline staff); they are e-mailed."""
    locked = _locked(complaint)
    _require(by, locked, "escalate")
    if locked.escalated_at is not None:
        raise ApplicationError(_("%(reference)s is already escalated.") % locked.__dict__)
    if not locked.is_open:
        raise ApplicationError(_("%(reference)s is closed: reopen it first.") % locked.__dict__)
    now = timezone.now()
    validated_save(locked, escalated_at=now)
    event = _event(locked, ComplaintEvent.Kind.ESCALATED, by, now, text=note.strip())
    emails.notify_escalation(locked, key=f"complaint-escalated:{event.pk}")
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaint_record_improvement(
    *, complaint: Complaint, by: User, text: str, at: datetime | None = None
) -> ComplaintEvent:
    """Tell the complaint's timeline (and its logger's "My submissions") what was changed."""
    return _event(complaint, ComplaintEvent.Kind.IMPROVEMENT, by, at or timezone.now(), text=text)
