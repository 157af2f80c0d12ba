"""The management review held on a monthly report (ISO 9001 §9.3.3): recorded, signed off, acted on.

Executives and quality managers record who attended, the decisions and the actions (an owner,
a due date); signing off makes the record read-only (its history is kept, a controlled record).
Each action may start a PDCA cycle (origin "management review") in one click, before or after the
sign-off: following an action up is not changing the record. The next month's report opens with
what became of the actions (reports.monthly.sections.actions).
"""

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.history import recorded_as
from core.roles import staff_users
from core.saving import validated_save
from improvement.models import PDCACycle
from improvement.services.cycles import cycle_create

from ..models import ManagementReview, MonthlyReport, ReviewAction, ReviewDecision


def _require_reviewer(user: User) -> None:
    if not user.has_perm("reports.change_managementreview"):
        raise PermissionDenied(_("Executives and quality managers record the management review."))


def _editable(review: ManagementReview) -> ManagementReview:
    """Return the review locked for a change; refuse a signed-off one."""
    locked = ManagementReview.objects.select_for_update().get(pk=review.pk)
    if locked.is_signed_off:
        raise ApplicationError(
            _("The review was signed off on %(day)s and can no longer change.")
            % {"day": timezone.localtime(locked.signed_off_at).strftime("%d %B %Y")}
        )
    return locked


def _check_people(people: list[User], field: str) -> None:
    allowed = set(
        staff_users().filter(pk__in=[person.pk for person in people]).values_list("pk", flat=True)
    )
    for person in people:
        if person.pk not in allowed or not person.is_active:
            raise ValidationError(
                {field: _("%(name)s is not an active member of staff.") % {"name": person}}
            )


@transaction.atomic
def review_record(
    *,
    report: MonthlyReport,
    by: User,
    held_on: date,
    attendees: list[User],
    guests: str = "",
    minutes: str = "",
) -> ManagementReview:
    """Record (or correct, while a draft) who met when to review the report, and the minutes."""
    _require_reviewer(by)
    if report.status != MonthlyReport.Status.PUBLISHED:
        raise ApplicationError(_("The report is not published yet: review it once it is."))
    if held_on < report.month:
        raise ValidationError({"held_on": _("The review cannot be held before its month began.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Record a review once it has been held.")})
    _check_people(attendees, "attendees")
    with recorded_as(by):
        review = ManagementReview.objects.filter(report=report).first()
        if review is None:
            review = validated_save(
                ManagementReview(
                    report=report,
                    held_on=held_on,
                    guests=guests.strip(),
                    minutes=minutes.strip(),
                    created_by=by,
                )
            )
        else:
            review = validated_save(
                _editable(review), held_on=held_on, guests=guests.strip(), minutes=minutes.strip()
            )
        review.attendees.set(attendees)
    return review


@transaction.atomic
def review_decision_add(*, review: ManagementReview, by: User, text: str) -> ReviewDecision:
    """Record a decision of the review."""
    _require_reviewer(by)
    review = _editable(review)
    if not text.strip():
        raise ValidationError({"text": _("Write the decision.")})
    with recorded_as(by):
        return validated_save(ReviewDecision(review=review, text=text.strip()))


@transaction.atomic
def review_action_add(
    *,
    review: ManagementReview,
    by: User,
    title: str,
    owner: User,
    due_on: date,
    decision: ReviewDecision | None = None,
) -> ReviewAction:
    """Record an action of the review: what, who owns it, by when (and the decision it serves)."""
    _require_reviewer(by)
    review = _editable(review)
    _check_people([owner], "owner")
    if decision is not None and decision.review_id != review.pk:
        raise ValidationError({"decision": _("Choose a decision of this review.")})
    if due_on < review.held_on:
        raise ValidationError({"due_on": _("An action cannot fall due before the review.")})
    with recorded_as(by):
        return validated_save(
            ReviewAction(
                review=review, title=title.strip(), owner=owner, due_on=due_on, decision=decision
            )
        )


@transaction.atomic
def review_item_remove(*, item: ReviewDecision | ReviewAction, by: User) -> None:
    """Remove a decision or an action recorded by mistake, while the review is a draft."""
    _require_reviewer(by)
    _editable(item.review)
    if isinstance(item, ReviewAction) and item.cycle_id is not None:
        raise ApplicationError(_("This action started a PDCA cycle: it stays on record."))
    with recorded_as(by):
        item.delete()


@transaction.atomic
def review_sign_off(*, review: ManagementReview, by: User) -> ManagementReview:
    """Sign the review off: complete, it becomes read-only (its history is kept)."""
    _require_reviewer(by)
    review = _editable(review)
    if not review.attendees.exists() and not review.guests:
        raise ValidationError({"attendees": _("Record who attended before signing off.")})
    if not review.decisions.exists():
        raise ValidationError(
            {"decisions": _("Record at least one decision (even “no change”) before signing off.")}
        )
    with recorded_as(by):
        return validated_save(
            review,
            status=ManagementReview.Status.SIGNED_OFF,
            signed_off_by=by,
            signed_off_at=timezone.now(),
        )


@transaction.atomic
def review_action_start_cycle(
    *, action: ReviewAction, by: User, started_on: date | None = None
) -> PDCACycle:
    """Open a PDCA cycle (origin "management review") for an action, owned by its owner."""
    _require_reviewer(by)
    action = (
        # Only the action's row: PostgreSQL locks no row of a nullable (outer-joined) relation.
        ReviewAction.objects.select_for_update(of=("self",))
        .select_related("review__report", "decision", "owner")
        .get(pk=action.pk)
    )
    if action.cycle_id is not None:
        raise ApplicationError(
            _("This action already started %(cycle)s.") % {"cycle": action.cycle}
        )
    if action.done_on is not None:
        raise ApplicationError(_("This action is done."))
    month = action.review.report.label
    problem = _("Decided at the management review of %(month)s.") % {"month": month}
    if action.decision is not None:
        problem = f"{problem} {action.decision.text}"
    cycle = cycle_create(
        by=by,
        title=action.title,
        owner=action.owner,
        origin=PDCACycle.Origin.MANAGEMENT_REVIEW,
        problem_statement=problem,
        planned_check_on=action.due_on,
        started_on=started_on,
    )
    with recorded_as(by):
        validated_save(action, cycle=cycle)
    return cycle


@transaction.atomic
def review_action_complete(
    *, action: ReviewAction, by: User, done_on: date | None = None
) -> ReviewAction:
    """Mark an action done (its owner, an executive or a quality manager)."""
    if by.pk != action.owner_id:
        _require_reviewer(by)
    action = ReviewAction.objects.select_for_update().get(pk=action.pk)
    if action.done_on is not None:
        raise ApplicationError(_("This action is already done."))
    day = done_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"done_on": _("An action is done on a day that has come.")})
    with recorded_as(by):
        return validated_save(action, done_on=day)
