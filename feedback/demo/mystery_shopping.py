"""Plan a year of mystery shopping: four checklists and twenty audits that show progress.

Quality managers and executives call, chat, order and sit in on installations as customers,
about every two and a half weeks. Scores creep up over the year as findings are acted on, and
step up with the service refresh that brought the call-back process, most on the phone.
"""

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from feedback.models import Audit, AuditItemScore, ChecklistItem, ChecklistTemplate
from feedback.models.mystery_shopping import ITEM_SCORE_MAX
from feedback.services.mystery_shopping import weighted_score
from journeys.models import Touchpoint

from .planning import DAYS, People
from .surveys import callback_level

AUDIT_COUNT = 20
EXECUTIVE_SHARE = 0.4  # executives take part as mystery shoppers, the rest are quality managers

# (touchpoint, checklist name, [(check, weight, what a poor score looks like)])
CHECKLISTS: list[tuple[str, str, list[tuple[str, int, str]]]] = [
    (
        "Phone support",
        "Mystery call to support",
        [
            ("Call answered within 30 seconds", 3, "Waited over four minutes in the queue."),
            ("Agent gives their name and asks for the customer number", 1, "No name given."),
            ("Problem understood without repeating it", 3, "Had to explain the fault twice."),
            ("Correct advice on the heat pump error code", 4, "Advice contradicts the manual."),
            ("Next step and timing explained", 2, "Call ended without a next step."),
            ("Call-back offered instead of a long hold", 2, "Put on hold twice, no call-back."),
            ("Friendly close, asks if anything else is needed", 1, "Abrupt end of the call."),
        ],
    ),
    (
        "Live chat",
        "Mystery chat",
        [
            ("A person replies within 1 minute", 3, "Bot only for six minutes."),
            ("Bot hands over to a person when asked", 2, "Bot looped twice before handover."),
            ("Answer is correct and complete", 4, "Answer left out the installation cost."),
            ("Links to the right help-centre article", 1, "Link to an outdated article."),
            ("Tone is friendly and personal", 2, "Copy-pasted answers only."),
            ("Transcript sent by e-mail", 1, "No transcript received."),
        ],
    ),
    (
        "Installation visit",
        "Installation visit observed",
        [
            ("Engineer arrives within the 2-hour slot", 3, "Arrived 70 minutes after the slot."),
            ("Engineer introduces themselves and shows ID", 1, "No ID shown."),
            ("Floor protection and shoe covers used", 2, "Muddy footprints in the hallway."),
            ("Installation matches the suitability check", 4, "Different unit size than advised."),
            ("App and thermostat explained, customer tries it", 3, "App not explained."),
            ("Site left clean and tidy", 2, "Packaging left in the garden."),
        ],
    ),
    (
        "Online checkout",
        "Checkout walk-through",
        [
            ("Total price including installation shown before payment", 4, "Extra costs later."),
            ("Delivery date shown before payment", 3, "Only 'within 2 weeks' shown."),
            ("Checkout completes in 3 steps", 2, "Five steps, address asked twice."),
            ("Payment works the first time", 3, "iDEAL payment failed once."),
            ("Order confirmation e-mail within 5 minutes", 1, "Confirmation after an hour."),
        ],
    ),
]
NOTES = {
    "low": "Several basics missed; findings shared with the team lead the same week.",
    "mid": "Mostly to standard; the weak points are in the item notes.",
    "high": "A visit we would want every customer to have.",
}


def checklists(touchpoints: Sequence[Touchpoint]) -> list[ChecklistTemplate]:
    """Return the demo checklists, creating the missing ones with their items."""
    by_name = {touchpoint.name: touchpoint for touchpoint in touchpoints}
    templates = []
    for touchpoint_name, name, checks in CHECKLISTS:
        touchpoint = by_name.get(touchpoint_name)
        if touchpoint is None:
            continue
        template, created = ChecklistTemplate.objects.get_or_create(
            touchpoint=touchpoint, name=name
        )
        if created:
            ChecklistItem.objects.bulk_create(
                ChecklistItem(template=template, order=order, text=text, weight=weight)
                for order, (text, weight, _poor) in enumerate(checks, start=1)
            )
        templates.append(template)
    return templates


def load_audits(
    *, seed: int, now: datetime, people: People, touchpoints: list[Touchpoint]
) -> dict[str, int]:
    """Create the checklists and a year of audits, unless there are audits already."""
    counts = {"audits": 0, "audit item scores": 0}
    if Audit.objects.exists():
        return counts
    templates = checklists(touchpoints)
    if not templates:
        return counts
    generator = random.Random(f"mystery-shopping-{seed}")  # noqa: S311 - demo data, not secrets
    today = timezone.localtime(now).date()
    poor_notes = {text: poor for _tp, _name, checks in CHECKLISTS for text, _w, poor in checks}
    items = {template.pk: list(template.items.order_by("order")) for template in templates}
    audits, item_scores = [], []
    for number in range(AUDIT_COUNT):
        template = templates[number % len(templates)]
        days_ago = int((DAYS - 10) * (1 - number / AUDIT_COUNT)) - generator.randrange(8)
        auditor: User = (
            generator.choice(people.executives)
            if people.executives and generator.random() < EXECUTIVE_SHARE
            else generator.choice(people.managers)
        )
        # Findings get acted on over the year; phone support jumps with the call-back process.
        progress = 1 - days_ago / DAYS
        level = 0.58 + 0.12 * progress + 0.12 * callback_level(days_ago)
        if template.touchpoint.name == "Phone support":
            level += 0.08 * callback_level(days_ago)
        audit = Audit(
            template=template,
            touchpoint=template.touchpoint,
            auditor=auditor,
            visited_on=today - timedelta(days=days_ago),
        )
        pairs = []
        for item in items[template.pk]:
            drawn = generator.gauss(ITEM_SCORE_MAX * level, 0.6)
            score = min(ITEM_SCORE_MAX, max(0, round(drawn)))
            note = poor_notes.get(item.text, "") if score <= 1 else ""
            item_scores.append(AuditItemScore(audit=audit, item=item, score=score, note=note))
            pairs.append((item.weight, score))
        audit.score = weighted_score(pairs)  # the formula the audit form uses
        audit.notes = NOTES["high" if audit.score >= 85 else "mid" if audit.score >= 65 else "low"]
        audits.append(audit)
    Audit.objects.bulk_create(audits)
    AuditItemScore.objects.bulk_create(item_scores)
    return {"audits": len(audits), "audit item scores": len(item_scores)}
