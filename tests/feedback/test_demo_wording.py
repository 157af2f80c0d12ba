"""The feedback demo's wording: TOML files in feedback/demo/wording/, read through their loaders.

Cheap checks that need no database: every file follows its schema, and the wording the demo draws
from is still the wording it was written with (counts and first texts, in the order drawn from).
"""

import dataclasses
import re
import string
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from feedback.demo import complaints, ideas, replies, texts, voice_texts
from feedback.demo.surveys import COMPLAINT_SURVEY, PULSE_SURVEY, SURVEYS
from feedback.demo.texts import (
    Case,
    complaint_wording,
    handling_wording,
    idea_wording,
    kudos_wording,
    record,
)
from feedback.demo.voice_texts import insight_themes, survey_wording
from feedback.models import Complaint

if TYPE_CHECKING:
    from functools import _lru_cache_wrapper

LOADERS: list["_lru_cache_wrapper[Any]"] = [
    complaint_wording,
    handling_wording,
    idea_wording,
    kudos_wording,
    survey_wording,
    insight_themes,
    replies.reply_wording,
    ideas.conversation_wording,
]
BANDS = {"low", "mid", "high"}
COMPLAINT_PLACEHOLDERS = {
    "product",
    "part",
    "days",
    "minutes",
    "hours",
    "amount",
    "weekday",
    "order",
    "owner",
    "since",
}


def strings(value: Any, path: str | None = None) -> Iterator[tuple[str, str]]:
    """Yield every string in a loaded record, with where it is (from the record's class)."""
    if path is None:
        path = type(value).__name__
    if isinstance(value, str):
        yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from strings(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from strings(item, f"{path}[{key}]")
    elif isinstance(value, tuple | list):
        for number, item in enumerate(value):
            yield from strings(item, f"{path}[{number}]")


def placeholders(text: str) -> set[str]:
    """Return the names of the placeholders in a text."""
    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name}


def duplicates(values: Any) -> list[str]:
    """Return the values that occur more than once."""
    return [value for value, count in Counter(values).items() if count > 1]


def all_cases() -> Iterator[tuple[str, Case]]:
    """Yield every complaint case with the key of its theme."""
    for key, theme in complaint_wording().themes.items():
        for case in [*theme.minor, *theme.serious]:
            yield key, case


# The files and their schema ----------------------------------------------------------------------


def test_every_wording_file_is_read_by_a_loader() -> None:
    """Each TOML file beside the generators belongs to a loader, and each loader reads its files."""
    on_disk = {
        path.relative_to(texts.WORDING_DIR).as_posix() for path in texts.WORDING_DIR.rglob("*.toml")
    }
    for loader in LOADERS:
        loader.cache_clear()
    read: list[str] = []
    original = texts.read_wording

    def counting(name: str) -> dict[str, Any]:
        read.append(name)
        return original(name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(texts, "read_wording", counting)
        patch.setattr(voice_texts, "read_wording", counting)
        patch.setattr(replies, "read_wording", counting)
        patch.setattr(ideas, "read_wording", counting)
        loaded = [loader() for loader in LOADERS]

    assert all(loaded)
    assert sorted(read) == sorted(on_disk)  # each file, once


def test_loaders_parse_their_files_once() -> None:
    """A second call returns the same records without reading the files again."""
    for loader in LOADERS:
        assert loader() is loader()


def test_record_refuses_unknown_and_missing_keys() -> None:
    """A misspelt key in a wording file stops the demo instead of being ignored."""

    @dataclass(frozen=True)
    class Example:
        title: str
        notes: tuple[str, ...] = ()

    assert record(Example, {"title": "A", "notes": ["b"]}, "example") == Example("A", ("b",))
    with pytest.raises(ValueError, match=r"example: unknown keys \['note'\]"):
        record(Example, {"title": "A", "note": ["b"]}, "example")
    with pytest.raises(ValueError, match=r"example: missing keys \['title'\]"):
        record(Example, {"notes": []}, "example")


def test_no_wording_is_empty_or_padded() -> None:
    """Every text has words and no surrounding blanks; only the two lists that say so hold one
    empty entry each, drawn for "no note" and "no reason" (an idea about no touchpoint in
    particular leaves its touchpoint out)."""
    found = [found for loader in LOADERS for found in strings(loader())]

    empty = [path for path, text in found if not text and not path.endswith("].touchpoint")]
    padded = [path for path, text in found if text != text.strip()]

    assert empty == [
        "HandlingWording.escalation_notes[4]",
        "IdeaWording.accept_reasons[6]",
    ]
    assert padded == []


def test_complaint_cases_are_complete_and_distinct() -> None:
    """Each case says what the customer asks, what was decided and what was found, in valid
    fishbone categories; no two cases share a description, no case repeats itself."""
    cases = list(all_cases())

    for key, case in cases:
        where = f"{key}: {case.description}"
        assert case.remedies, where
        assert case.decisions, where
        assert case.root_causes, where
        assert duplicates([*case.remedies, *case.decisions]) == [], where
        assert {category for category, _text in case.root_causes} <= set(
            Complaint.RootCause.values
        ), where
        assert set(case.touchpoints) <= set(complaints.TOUCHPOINT_THEMES), where
    assert duplicates(case.description for _key, case in cases) == []


def test_complaint_texts_use_only_known_placeholders() -> None:
    """Complaint and handling texts are filled from the same placeholders; the shared lists
    add no text a theme already has, so a complaint never shows a sentence twice."""
    wording, handling = complaint_wording(), handling_wording()
    texts_to_fill = [text for _path, text in strings(wording.themes)]
    texts_to_fill += [*wording.shared_details, *wording.winter_details]
    texts_to_fill += [text for _path, text in strings(handling)]

    unknown = [text for text in texts_to_fill if not placeholders(text) <= COMPLAINT_PLACEHOLDERS]

    assert unknown == []
    for key, theme in wording.themes.items():
        assert duplicates([*theme.details, *wording.shared_details]) == [], key
        comments = [*theme.comments, *handling.comments, *handling.trouble.comments]
        assert duplicates(comments) == [], key


def test_every_theme_the_generator_names_has_a_file() -> None:
    """Touchpoints, channels and kudos name only themes that exist."""
    themes = set(complaint_wording().themes)

    named = {key for key, _share in complaints.TOUCHPOINT_THEMES.values()}
    named |= set(complaints.CHANNEL_THEMES.values()) | {"general"}

    assert named <= themes
    assert set(kudos_wording().themes) <= themes


def test_fill_values_cover_what_the_generator_draws() -> None:
    """Seven weekdays, Monday first, and positive amounts and waiting times."""
    wording = complaint_wording()

    assert wording.weekdays[0] == "Monday"
    assert len(wording.weekdays) == 7
    assert all(isinstance(amount, int) and amount > 0 for amount in wording.amounts)
    assert all(isinstance(minutes, int) and minutes > 0 for minutes in wording.waiting_minutes)
    assert duplicates([*wording.products, *wording.parts]) == []


def test_ideas_are_complete_distinct_and_fill_known_placeholders() -> None:
    """Each idea has a title, problem, proposal and benefit, titles are unique, and reviewers'
    words use only the placeholders the generator fills."""
    wording = idea_wording()
    known = {"touchpoint", "owner", "date", "original"}
    reviews = [
        *wording.accept_reasons,
        *wording.trouble_accept_reasons,
        *wording.decline_reasons,
        wording.partner_decline_reason,
        wording.duplicate_reason,
        *wording.implement_notes,
    ]

    assert duplicates(idea.title for idea in wording.ideas) == []
    assert {idea.touchpoint for idea in wording.ideas} - {""} <= set(complaints.TOUCHPOINT_THEMES)
    assert [text for text in reviews if not placeholders(text) <= known] == []
    assert all(placeholders(text) == set() for _path, text in strings(wording.ideas))
    assert any(idea.about_trouble_partner for idea in wording.ideas)


def test_kudos_fill_known_placeholders() -> None:
    """Kudos name the colleague, the complaint or idea, and nothing the generator lacks."""
    known = {"first_name", "reference", "touchpoint", "title"}

    unknown = [text for _path, text in strings(kudos_wording()) if not placeholders(text) <= known]

    assert unknown == []


def test_every_survey_has_comments_for_each_band() -> None:
    """Each demo survey has comments for low, middling and high scores, and a suggestion list
    if it asks for one; comments are plain text without placeholders and repeat nothing."""
    wording = survey_wording()
    specs = [*SURVEYS, COMPLAINT_SURVEY, PULSE_SURVEY]

    for spec in specs:
        assert set(wording.comments[spec.key]) == BANDS, spec.key
        assert all(wording.comments[spec.key].values()), spec.key
        if spec.ask_improvement:
            assert wording.improvements[spec.key], spec.key
    assert set(wording.comments) == {spec.key for spec in specs}
    assert set(wording.improvements) <= set(wording.comments)
    assert set(wording.trouble_comments) <= BANDS
    assert set(wording.callback_comments) <= BANDS
    assert all(placeholders(text) == set() for _path, text in strings(wording))
    for key, bands in wording.comments.items():
        assert duplicates(text for band in bands.values() for text in band) == [], key


def test_insight_themes_have_unique_names_and_valid_words() -> None:
    """Theme names are unique (they are unique rows), and every word is a valid expression."""
    themes = insight_themes()

    assert duplicates(theme.name for theme in themes) == []
    for theme in themes:
        assert theme.words, theme.name
        for word in theme.words:
            re.compile(word)


# The wording the demo was written with -----------------------------------------------------------
# Taken from the demo before its wording moved to TOML: the generators draw from these lists by
# position, so their lengths and order decide the demo's output for a seed.


def test_complaint_themes_hold_the_cases_the_demo_was_written_with() -> None:
    """Cases per theme (minor, serious) and each band's first description."""
    themes = complaint_wording().themes

    assert {key: (len(theme.minor), len(theme.serious)) for key, theme in themes.items()} == {
        "callback": (3, 1),
        "chat": (5, 2),
        "delivery": (11, 6),
        "email": (7, 3),
        "field": (10, 7),
        "general": (6, 3),
        "payment": (6, 3),
        "phone": (7, 4),
        "picking": (6, 4),
        "triage": (4, 2),
        "web": (11, 5),
    }
    assert {
        key: (theme.minor[0].description, theme.serious[0].description)
        for key, theme in themes.items()
    } == {
        "callback": (
            "No call-back after the repair as promised.",
            "Fault came back the evening after the call-back; nobody took ownership.",
        ),
        "chat": (
            "Chatbot kept looping; the customer could not reach a person.",
            "Chat agent shared another customer's order details.",
        ),
        "delivery": (
            "Parcel delivered a day after the promised {weekday}; nobody told the customer.",
            "Box arrived dented, {product} panel cracked; the installation on {weekday} is off.",
        ),
        "email": (
            "Welcome e-mail arrived two days after the installation.",
            "Contract lapsed because the renewal e-mail never arrived; no cover in a breakdown.",
        ),
        "field": (
            "Engineer arrived {hours} hours after the agreed slot without calling.",
            "Engineer did not turn up at all; the customer took a day off for nothing.",
        ),
        "general": (
            "Four contacts for one question and nobody took ownership.",
            "Customer will go to the disputes committee after months without a solution.",
        ),
        "payment": (
            "Payment refused without a reason; the second attempt worked.",
            "Charged twice for the annual service contract (€{amount} each).",
        ),
        "phone": (
            "Waited {minutes} minutes on hold before the call was answered.",
            "Agent was rude and ended the call when the customer asked for a manager.",
        ),
        "picking": (
            "Accessory kit missing: no wall bracket for the {product}.",
            "Wrong {product} model shipped; the installation had to be cancelled on the day.",
        ),
        "triage": (
            "Support ticket untouched for {days} days.",
            "Urgent 'no heating' ticket filed as a general question and left for {days} days.",
        ),
        "web": (
            "Product page said delivery in 2 days; the order confirmation said 2 weeks.",
            "Checkout crashed after payment: no order, but the money was taken.",
        ),
    }
    delivery = themes["delivery"].minor[1]
    assert delivery.root_causes == (
        ("people", "The driver did not leave a card saying which neighbour had the parcel."),
        ("method", "{owner} allows neighbour drop-off unless the customer opts out."),
    )
    assert themes["delivery"].heating == 0.5
    assert themes["chat"].heating == 1.0


def test_shared_lists_hold_the_texts_the_demo_was_written_with() -> None:
    """The lengths of every list drawn from, and a first entry of each file."""
    wording, handling = complaint_wording(), handling_wording()
    ideas, kudos = idea_wording(), kudos_wording()

    assert [len(values) for values in (wording.products, wording.parts, wording.amounts)] == [
        8,
        9,
        9,
    ]
    assert wording.products[0] == "heat pump"
    assert wording.amounts[-1] == 240
    assert [
        len(values)
        for values in (
            handling.acknowledgement_notes,
            handling.escalation_notes,
            handling.comments,
            handling.reopen_reasons,
            handling.trouble.root_causes,
            handling.trouble.comments,
        )
    ] == [3, 5, 5, 5, 4, 3]
    assert handling.acknowledgement_notes[0] == "Called the customer to confirm we are on it."
    assert [
        len(values)
        for values in (
            ideas.accept_reasons,
            ideas.trouble_accept_reasons,
            ideas.decline_reasons,
            ideas.duplicate_prefixes,
            ideas.implement_notes,
        )
    ] == [7, 2, 6, 3, 5]
    assert len(ideas.ideas) == 133
    assert ideas.ideas[0].title == "Photo proof of delivery for every parcel"
    assert ideas.ideas[0].touchpoint == "Parcel delivery"
    assert ideas.ideas[-1].title == "Share our SwiftParcel complaints with SwiftParcel every week"
    assert sum(idea.touchpoint == "" for idea in ideas.ideas) == 13
    assert [len(kudos.complaints), len(kudos.ideas_implemented), len(kudos.ideas_accepted)] == [
        8,
        3,
        2,
    ]
    assert list(kudos.themes) == ["delivery", "field", "payment", "phone"]


def test_survey_wording_holds_the_comments_the_demo_was_written_with() -> None:
    """Comments per survey and band (low, mid, high), the first low one, and the insight themes
    in the order that tags are given."""
    wording = survey_wording()

    assert {
        key: tuple(len(bands[band]) for band in ("low", "mid", "high"))
        for key, bands in wording.comments.items()
    } == {
        "buy": (6, 5, 6),
        "support": (5, 4, 5),
        "renew": (4, 3, 4),
        "delivery": (5, 3, 4),
        "installation": (5, 3, 4),
        "phone": (4, 3, 3),
        "chat": (3, 2, 3),
        "engineer": (3, 2, 3),
        "maintenance": (3, 2, 3),
        "effort": (4, 2, 3),
        "complaint": (3, 2, 3),
        "enps": (2, 2, 2),
    }
    assert wording.comments["buy"]["low"][0] == (
        "The heat pump arrived damaged and the installation had to be moved. Not impressed."
    )
    assert [theme.name for theme in insight_themes()] == [
        "Delivery damage",
        "Late delivery",
        "Waiting time",
        "Billing errors",
        "Engineer punctuality",
        "App & smart controls",
        "Communication",
        "Friendly staff",
        "Price",
        "Installation quality",
        "Noise",
        "Contract & renewal",
        "Website",
    ]
    assert insight_themes()[1].pattern.pattern == (
        r"\b(?:delivered (?:a day |\w+ days )?late|courier|parcels?|tracking|promised day)\b"
    )
    assert voice_texts.themes_of("Delivered 3 days late, the box was dented.") == [
        "Delivery damage",
        "Late delivery",
    ]
