"""Mystery shopping: weighted checklists per touchpoint, and audits scored against them.

An audit's score is the weighted share of the best possible score, in percent:
sum(weight * score) / sum(weight * ITEM_SCORE_MAX) * 100, rounded to one decimal.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.saving import validated_save
from journeys.models import Touchpoint

from ..models import ITEM_SCORE_MAX, Audit, AuditItemScore, ChecklistItem, ChecklistTemplate

WEIGHT_MIN, WEIGHT_MAX = 1, 10
ONE_DECIMAL = Decimal("0.1")


# Checklists -------------------------------------------------------------------------------------


def _clean_items(items: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Return the items stripped, refusing an empty list, blank texts and weights out of range."""
    cleaned = [(str(text).strip(), weight) for text, weight in items]
    if not cleaned:
        raise ValidationError({"items": _("A checklist needs at least one item.")})
    problems = []
    for number, (text, weight) in enumerate(cleaned, start=1):
        if not text:
            problems.append(_("Item %(number)d has no text.") % {"number": number})
        if not isinstance(weight, int) or not WEIGHT_MIN <= weight <= WEIGHT_MAX:
            problems.append(
                _("Item %(number)d: the weight must be a whole number from %(low)d to %(high)d.")
                % {"number": number, "low": WEIGHT_MIN, "high": WEIGHT_MAX}
            )
    if problems:
        raise ValidationError({"items": problems})
    return cleaned


def _save_items(checklist: ChecklistTemplate, items: list[tuple[str, int]]) -> None:
    ChecklistItem.objects.bulk_create(
        ChecklistItem(template=checklist, order=order, text=text, weight=weight)
        for order, (text, weight) in enumerate(items, start=1)
    )


@transaction.atomic
def checklist_create(
    *,
    by: User,
    touchpoint: Touchpoint,
    name: str,
    items: Sequence[tuple[str, int]],
    is_active: bool = True,
) -> ChecklistTemplate:
    """Write a checklist for a touchpoint: its items as (text, weight) pairs, in order."""
    if not by.has_perm("feedback.add_checklisttemplate"):
        raise PermissionDenied(_("Quality managers write mystery-shopping checklists."))
    cleaned = _clean_items(items)
    checklist = validated_save(
        ChecklistTemplate(), touchpoint=touchpoint, name=name.strip(), is_active=is_active
    )
    _save_items(checklist, cleaned)
    return checklist


@transaction.atomic
def checklist_update(
    *,
    checklist: ChecklistTemplate,
    by: User,
    name: str | None = None,
    touchpoint: Touchpoint | None = None,
    is_active: bool | None = None,
    items: Sequence[tuple[str, int]] | None = None,
) -> ChecklistTemplate:
    """Change a checklist; its items may change only until the first audit used them."""
    if not by.has_perm("feedback.change_checklisttemplate"):
        raise PermissionDenied(_("Quality managers write mystery-shopping checklists."))
    # Lock the checklist so no audit is recorded against items being replaced.
    checklist = ChecklistTemplate.objects.select_for_update().get(pk=checklist.pk)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = name.strip()
    if touchpoint is not None:
        changes["touchpoint"] = touchpoint
    if is_active is not None:
        changes["is_active"] = is_active
    validated_save(checklist, **changes)
    if items is not None:
        cleaned = _clean_items(items)
        current = list(checklist.items.order_by("order").values_list("text", "weight"))
        if cleaned != current:
            if checklist.audits.exists():
                raise ApplicationError(
                    _(
                        "Audits were recorded with this checklist, so its items can no longer "
                        "change. Deactivate it and write a new checklist instead."
                    )
                )
            checklist.items.all().delete()
            _save_items(checklist, cleaned)
    return checklist


# Audits -----------------------------------------------------------------------------------------


def weighted_score(pairs: Sequence[tuple[int, int]]) -> Decimal:
    """Return the weighted share of the best score, in percent: pairs are (weight, score)."""
    best = sum(weight * ITEM_SCORE_MAX for weight, _score in pairs)
    if not best:
        return Decimal("0.0")
    got = sum(weight * score for weight, score in pairs)
    return (Decimal(got) * 100 / Decimal(best)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _checked_scores(
    items: list[ChecklistItem], scores: Mapping[Any, Any], notes: Mapping[Any, Any]
) -> tuple[dict[int, int], dict[int, str]]:
    """Return the scores and notes keyed by item id, refusing unknown, missing or bad scores."""
    by_id = {item.pk: item for item in items}
    try:
        given = {int(key): value for key, value in scores.items()}
        noted = {int(key): str(value or "").strip() for key, value in notes.items()}
    except (TypeError, ValueError):
        raise ValidationError({"scores": _("Scores are keyed by checklist item id.")}) from None
    unknown = sorted((set(given) | set(noted)) - set(by_id))
    if unknown:
        raise ValidationError(
            {
                "scores": _("These are not items of this checklist: %(ids)s.")
                % {"ids": ", ".join(map(str, unknown))}
            }
        )
    missing = [item for item in items if given.get(item.pk) in (None, "")]
    if missing:
        raise ValidationError(
            {
                "scores": _("Score every item; missing: %(items)s.")
                % {"items": "; ".join(f'"{item.text}"' for item in missing)}
            }
        )
    checked: dict[int, int] = {}
    for item_id, value in given.items():
        try:
            score = int(value)
        except (TypeError, ValueError):
            score = -1
        if score < 0 or score > ITEM_SCORE_MAX or str(value).strip() != str(score):
            raise ValidationError(
                {
                    "scores": _('"%(item)s": a score is a whole number from 0 to %(max)d.')
                    % {"item": by_id[item_id].text, "max": ITEM_SCORE_MAX}
                }
            )
        checked[item_id] = score
    too_long = [by_id[item_id].text for item_id, note in noted.items() if len(note) > 300]
    if too_long:
        raise ValidationError(
            {
                "item_notes": _("Keep each item note under 300 characters: %(items)s.")
                % {"items": "; ".join(too_long)}
            }
        )
    return checked, noted


def _check_visit_date(visited_on: date) -> None:
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("The visit date cannot be in the future.")})


def _save_scores(
    audit: Audit, items: list[ChecklistItem], scores: dict[int, int], notes: dict[int, str]
) -> None:
    audit.item_scores.all().delete()
    AuditItemScore.objects.bulk_create(
        AuditItemScore(audit=audit, item=item, score=scores[item.pk], note=notes.get(item.pk, ""))
        for item in items
    )
    audit.score = weighted_score([(item.weight, scores[item.pk]) for item in items])
    audit.save(update_fields=["score"])


@transaction.atomic
def audit_record(
    *,
    template: ChecklistTemplate,
    auditor: User,
    visited_on: date,
    scores: Mapping[Any, Any],
    notes: str = "",
    item_notes: Mapping[Any, Any] | None = None,
) -> Audit:
    """Record a mystery-shopping visit: a score from 0 to 4 for every item of the checklist."""
    if not auditor.has_perm("feedback.add_audit"):
        raise PermissionDenied(_("Quality managers and executives record mystery-shopping audits."))
    if not template.is_active:
        raise ApplicationError(_("This checklist is no longer in use."))
    _check_visit_date(visited_on)
    items = list(template.items.order_by("order"))
    checked, noted = _checked_scores(items, scores, item_notes or {})
    audit = validated_save(
        Audit(),
        template=template,
        touchpoint_id=template.touchpoint_id,
        auditor=auditor,
        visited_on=visited_on,
        notes=notes.strip(),
    )
    _save_scores(audit, items, checked, noted)
    return audit


@transaction.atomic
def audit_correct(
    *,
    audit: Audit,
    by: User,
    visited_on: date | None = None,
    notes: str | None = None,
    scores: Mapping[Any, Any] | None = None,
    item_notes: Mapping[Any, Any] | None = None,
) -> Audit:
    """Correct a recorded audit; new scores replace all the old ones and the total is redone."""
    if not by.has_perm("feedback.change_audit"):
        raise PermissionDenied(_("Quality managers correct mystery-shopping audits."))
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if visited_on is not None:
        _check_visit_date(visited_on)
        audit.visited_on = visited_on
    if notes is not None:
        audit.notes = notes.strip()
    validated_save(audit)
    if scores is not None or item_notes is not None:
        items = list(audit.template.items.order_by("order"))
        current = {row.item_id: row for row in audit.item_scores.all()}
        checked, noted = _checked_scores(
            items,
            scores if scores is not None else {k: row.score for k, row in current.items()},
            item_notes
            if item_notes is not None
            else {k: row.note for k, row in current.items() if row.note},
        )
        _save_scores(audit, items, checked, noted)
    return audit
