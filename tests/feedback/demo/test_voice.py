"""The voice-of-customer demo: a year of survey answers, pulses, insights and audits."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean
from typing import Any

import pytest
from django.utils import timezone

from feedback import demo
from feedback.demo.surveys import CALLBACK_DAYS_AGO
from feedback.models import (
    Audit,
    AuditItemScore,
    Complaint,
    EmployeeParticipation,
    Insight,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from tests.feedback.demo import SEED

pytestmark = pytest.mark.django_db


def scores(survey: str, **filters: Any) -> list[int]:
    """Return the scores of a demo survey's answers."""
    rows = SurveyResponse.objects.filter(survey__name=survey, **filters)
    return list(rows.values_list("score", flat=True))


def test_demo_holds_a_year_of_survey_answers(counts) -> None:
    """About 50,000 answers over twelve months, most by invitation or link, on every survey."""
    now = timezone.now()

    responses = SurveyResponse.objects.all()
    channels = set(responses.values_list("channel", flat=True))
    with_comment = responses.exclude(comment="").count()

    assert 45_000 <= counts["survey responses"] == responses.count() <= 55_000
    assert counts["surveys"] == Survey.objects.count() == 12
    assert counts["survey invitations"] == SurveyInvitation.objects.count()
    assert not responses.filter(responded_at__lt=now - timedelta(days=366)).exists()
    assert not responses.filter(responded_at__gt=now).exists()
    assert channels == {"link", "invitation", "employee"}
    assert 0.15 <= with_comment / counts["survey responses"] <= 0.25
    assert all(Survey.objects.filter(responses__isnull=False).distinct().values_list("pk"))
    assert Survey.objects.filter(responses__isnull=True).count() == 0


def test_nps_mixes_promoters_passives_and_detractors(counts) -> None:
    """Relationship NPS lands between +25 and +40, with every group well represented."""
    nps_scores = list(
        SurveyResponse.objects.filter(survey__kind="nps").values_list("score", flat=True)
    )

    promoters = sum(score >= 9 for score in nps_scores) / len(nps_scores)
    detractors = sum(score <= 6 for score in nps_scores) / len(nps_scores)

    assert 25 <= 100 * (promoters - detractors) <= 40
    assert 0.1 <= detractors <= 0.3
    assert 0.2 <= 1 - promoters - detractors <= 0.45


def test_delivery_dips_in_swiftparcels_spell_and_support_gets_easier(counts) -> None:
    """Delivery CSAT drops during the courier's bad spell; CES rises after the call-back."""
    now = timezone.now()
    start, end = demo.trouble_window(now)
    middle = (start + (end - start) * 0.25, end - (end - start) * 0.35)
    change = now - timedelta(days=CALLBACK_DAYS_AGO)

    delivery_during = mean(scores("Delivery CSAT", responded_at__range=middle))
    delivery_before = mean(scores("Delivery CSAT", responded_at__lt=start))
    delivery_after = mean(scores("Delivery CSAT", responded_at__gt=end + timedelta(days=14)))
    effort_before = mean(scores("Support effort (CES)", responded_at__lt=change))
    effort_after = mean(
        scores("Support effort (CES)", responded_at__gt=change + timedelta(days=21))
    )

    assert delivery_during < delivery_before - 0.5
    assert delivery_after > delivery_during + 0.5
    assert effort_after > effort_before + 0.6


def test_every_comment_and_complaint_has_a_tagged_insight(counts) -> None:
    """Comments and complaints become insights, most of them tagged with a theme."""
    worded = SurveyResponse.objects.exclude(comment="", improvement_suggestion="")
    untagged = Insight.objects.filter(themes__isnull=True).count()

    assert not worded.filter(insight__isnull=True).exists()
    assert not Complaint.objects.filter(insight__isnull=True).exists()
    assert counts["insights"] == Insight.objects.count()
    assert untagged < 0.3 * counts["insights"]
    for insight in Insight.objects.filter(source="survey").select_related("response")[:200]:
        assert insight.response is not None
        assert insight.occurred_at == insight.response.responded_at
        assert insight.response.comment in insight.text


def test_enps_answers_are_anonymous_and_participations_stand_apart(counts) -> None:
    """Each pulse gets answers from most of the staff; answers carry a department only."""
    pulse = Survey.objects.get(kind="enps")
    answers = SurveyResponse.objects.filter(survey=pulse)
    participations = EmployeeParticipation.objects.filter(survey=pulse)
    pulses = set(participations.values_list("pulse_start", flat=True))

    assert pulse.recurrence_weeks == 6
    assert 8 <= len(pulses) <= 10
    assert answers.count() == participations.count()
    assert not answers.filter(customer__isnull=False).exists()
    assert not answers.filter(invitation__isnull=False).exists()
    assert not answers.filter(department__isnull=True).exists()
    assert {field.name for field in EmployeeParticipation._meta.get_fields()} == {
        "id",
        "survey",
        "user",
        "pulse_start",
    }
    assert 20 <= participations.count() / len(pulses) <= 32


def test_enps_answers_keep_only_their_day_like_live_ones(counts) -> None:
    """Demo pulse answers are stored at local midnight, as the pulse service stores them."""
    answers = SurveyResponse.objects.filter(survey__kind="enps")

    times = [
        timezone.localtime(moment) for moment in answers.values_list("responded_at", flat=True)
    ]

    assert times
    assert {
        (moment.hour, moment.minute, moment.second, moment.microsecond) for moment in times
    } == {(0, 0, 0, 0)}
    assert not Insight.objects.filter(response__survey__kind="enps").exists()


def test_audits_store_the_weighted_score_and_improve(counts) -> None:
    """Twenty audits, some by executives, each score the weighted formula; later ones score
    higher."""
    audits = list(Audit.objects.select_related("auditor").order_by("visited_on"))

    for audit in audits:
        item_scores = AuditItemScore.objects.filter(audit=audit).select_related("item")
        earned = sum(row.item.weight * row.score for row in item_scores)
        best = sum(row.item.weight * 4 for row in item_scores)
        expected = (Decimal(100 * earned) / best).quantize(Decimal("0.1"), ROUND_HALF_UP)
        assert audit.score == expected
    assert counts["audits"] == len(audits) == 20
    assert any(
        audit.auditor is not None and audit.auditor.groups.filter(name="Executive").exists()
        for audit in audits
    )
    assert len({audit.touchpoint_id for audit in audits}) == 4
    assert mean(audit.score for audit in audits[-6:]) > mean(audit.score for audit in audits[:6])


def test_loading_the_demo_again_creates_nothing(counts) -> None:
    """A second load finds every part and adds no row."""
    models = [Survey, SurveyInvitation, SurveyResponse, EmployeeParticipation, Insight, Audit]
    before = [model._default_manager.count() for model in models]

    again = demo.load(seed=SEED)

    assert again == dict.fromkeys(counts, 0)
    assert [model._default_manager.count() for model in models] == before
