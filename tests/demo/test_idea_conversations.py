"""The demo's ideas as conversations: colleagues and quality managers commenting through the
year, the news their submitters and supporters were told, and a public roadmap of a dozen."""

import re
import string

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from core.roles import Role
from feedback.demo.ideas import ROADMAP_DONE, ROADMAP_PLANNED, conversation_wording
from feedback.demo.texts import idea_wording
from feedback.models import IdeaComment, IdeaEvent, ImprovementIdea

pytestmark = pytest.mark.django_db

PLACEHOLDERS = {"touchpoint", "owner", "submitter"}


def conversation_texts() -> list[str]:
    """Return every comment text of the conversation wording, placeholders unfilled."""
    wording = vars(conversation_wording())
    return [text for name, texts in wording.items() if name != "roadmap_titles" for text in texts]


def pattern(text: str) -> str:
    """Return a regular expression matching the text with any filling of its placeholders."""
    parts = string.Formatter().parse(text)
    return "".join(re.escape(literal) + (".+?" if name else "") for literal, name, _, _ in parts)


def test_the_conversation_wording_fills_only_known_placeholders_and_names_real_ideas() -> None:
    texts = conversation_texts()

    used = {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}

    assert used <= PLACEHOLDERS
    titles = {idea.title for idea in idea_wording().ideas}
    assert set(conversation_wording().roadmap_titles) <= titles


def test_a_realistic_share_of_ideas_has_a_conversation_through_the_year(
    demo_organisation: str,
) -> None:
    """Between a quarter and two thirds of the ideas are talked about, by frontline colleagues
    and quality managers alike, every comment after its idea's submission and none ahead of
    now; the wording is the demo's."""
    ideas = ImprovementIdea.objects.count()
    talked_about = ImprovementIdea.objects.filter(comments__isnull=False).distinct().count()
    comments = IdeaComment.objects.all()
    worded = [re.compile(pattern(text)) for text in conversation_texts()]

    assert ideas / 4 <= talked_about <= ideas * 2 / 3
    assert comments.filter(author__groups__name=Role.QUALITY_MANAGER.value).exists()
    assert comments.filter(author__groups__name=Role.FRONTLINE.value).exists()
    assert not comments.filter(created_at__lte=F("idea__submitted_at")).exists()
    assert not comments.filter(created_at__gt=timezone.now()).exists()
    for text in comments.values_list("text", flat=True):
        assert any(template.fullmatch(text) for template in worded), text


def test_submitters_and_supporters_were_told_of_each_decision_when_it_was_taken(
    demo_organisation: str,
) -> None:
    """Each decision's news is dated like its timeline entry (the feedback demo's ideas; those
    the improvement demo's cycles start from are dated by its story)."""
    accepted = IdeaEvent.objects.filter(
        to_status="accepted", idea__cycles__isnull=True
    ).select_related("idea")[:20]

    for event in accepted:
        idea = event.idea
        news = Notification.objects.filter(key=f"idea:{idea.pk}:accepted")
        if idea.source == ImprovementIdea.Source.STAFF and idea.submitted_by_id != event.actor_id:
            assert news.filter(recipient=idea.submitted_by).exists(), idea.reference
        assert set(news.values_list("created_at", flat=True)) <= {event.at}
    assert not Notification.objects.filter(
        key__startswith="idea", created_at__gt=timezone.now()
    ).exists()
    assert Notification.objects.filter(
        recipient__username="frontline", key__startswith="idea:"
    ).exists()


def test_a_dozen_accepted_and_implemented_ideas_are_on_the_public_roadmap(
    demo_organisation: str,
) -> None:
    """Five planned and seven done, each about a touchpoint; their history says since when."""
    on_roadmap = ImprovementIdea.objects.filter(on_roadmap=True)

    html = Client().get(reverse("public-improvement:roadmap")).content.decode()

    assert on_roadmap.count() == ROADMAP_PLANNED + ROADMAP_DONE
    assert on_roadmap.filter(status="accepted").count() == ROADMAP_PLANNED
    assert on_roadmap.filter(status="implemented").count() == ROADMAP_DONE
    assert not on_roadmap.filter(touchpoint__isnull=True).exists()
    assert html.count('data-testid="roadmap-item"') == ROADMAP_PLANNED + ROADMAP_DONE
    for idea in on_roadmap:
        assert idea.history.first().on_roadmap is True
