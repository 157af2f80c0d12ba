"""The wording of the feedback demo: complaint cases per theme, handling notes, ideas, reasons and
kudos. The texts are TOML files in `wording/`; the records below are their schema, and each loader
reads its file once."""

import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .planning import TROUBLE_PARTNER

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

WORDING_DIR = Path(__file__).with_name("wording")
Record = TypeVar("Record", bound="DataclassInstance")


def read_wording(name: str) -> dict[str, Any]:
    """Return a wording file, `name` being its path under `wording/`, parsed."""
    with (WORDING_DIR / name).open("rb") as file:
        return tomllib.load(file)


def record(kind: type[Record], table: Mapping[str, Any], where: str, **values: Any) -> Record:
    """Return a record built from a TOML table, its arrays as tuples and `values` replacing the
    entries they name; refuse a table with unknown keys or without a required one."""
    known = {field.name for field in fields(kind)}
    required = {
        field.name
        for field in fields(kind)
        if field.default is MISSING and field.default_factory is MISSING
    }
    if unknown := set(table) - known:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    if missing := required - set(table):
        raise ValueError(f"{where}: missing keys {sorted(missing)}")
    converted = {
        key: tuple(value) if isinstance(value, list) else value for key, value in table.items()
    }
    return kind(**(converted | values))


# Complaints --------------------------------------------------------------------------------------
# Placeholders filled per complaint: {product} {part} {days} {minutes} {hours} {amount} {weekday}
# {order} {owner} (the touchpoint's department or partner) {since} (the customer's first year).


@dataclass(frozen=True)
class Case:
    """One kind of complaint: what happened, what the customer asks, what was found and decided."""

    description: str
    remedies: tuple[str, ...]
    decisions: tuple[str, ...]
    root_causes: tuple[tuple[str, str], ...]  # (fishbone category, what the investigation found)
    touchpoints: tuple[str, ...] = ()  # the only touchpoints it happens at (none: any of its theme)


@dataclass(frozen=True)
class Theme:
    """The complaints about one kind of touchpoint, and the notes written while handling them."""

    heating: float  # how strongly the heating season drives its volume (0: not at all)
    details: tuple[str, ...]  # an optional second sentence of the description
    comments: tuple[str, ...]
    minor: tuple[Case, ...]  # low and medium severity
    serious: tuple[Case, ...]  # high and critical


@dataclass(frozen=True)
class ComplaintWording:
    """The complaint themes by key, and what every complaint's wording shares."""

    themes: Mapping[str, Theme]  # one file each in wording/complaint_themes/, by file name
    products: tuple[str, ...]
    parts: tuple[str, ...]
    amounts: tuple[int, ...]
    waiting_minutes: tuple[int, ...]
    weekdays: tuple[str, ...]  # Monday first
    shared_details: tuple[str, ...]
    winter_details: tuple[str, ...]


def case_record(table: Mapping[str, Any], where: str) -> Case:
    """Return a complaint case from its table: its root causes are a table by category."""
    root_causes = tuple(table.get("root_causes", {}).items())
    return record(Case, table, where, root_causes=root_causes)


def theme_record(name: str) -> Theme:
    """Return a complaint theme from its file, `name` being its path under `wording/`."""
    table = read_wording(name)
    cases = {
        band: tuple(
            case_record(case, f"{name}, {band} case {number}")
            for number, case in enumerate(table.get(band, []), start=1)
        )
        for band in ("minor", "serious")
    }
    return record(Theme, table, name, **cases)


@cache
def complaint_wording() -> ComplaintWording:
    """Return the wording of the demo's complaints."""
    paths = sorted((WORDING_DIR / "complaint_themes").glob("*.toml"))
    themes = {path.stem: theme_record(f"complaint_themes/{path.name}") for path in paths}
    table = read_wording("complaints.toml") | {"themes": themes}
    return record(ComplaintWording, table, "complaints.toml")


@dataclass(frozen=True)
class TroubleWording:
    """What the investigations found in SwiftParcel's bad spell, and the notes along the way."""

    root_causes: tuple[str, ...]
    comments: tuple[str, ...]


@dataclass(frozen=True)
class HandlingWording:
    """The notes written while complaints are handled, whatever their theme."""

    acknowledgement_notes: tuple[str, ...]
    escalation_notes: tuple[str, ...]  # "": escalated without a note
    comments: tuple[str, ...]
    reopen_reasons: tuple[str, ...]
    no_reaction_comment: str
    trouble: TroubleWording


@cache
def handling_wording() -> HandlingWording:
    """Return the wording of the demo's complaint handling."""
    table = read_wording("handling.toml")
    trouble = record(TroubleWording, table.get("trouble", {}), "handling.toml, [trouble]")
    return record(HandlingWording, table, "handling.toml", trouble=trouble)


# Ideas and kudos ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdeaText:
    """One improvement idea of the demo, as its submitter wrote it."""

    title: str
    problem: str
    proposal: str
    benefit: str
    touchpoint: str = ""  # none when the idea is about no touchpoint in particular

    @property
    def about_trouble_partner(self) -> bool:
        """Return whether the idea is about the courier's bad spell."""
        return TROUBLE_PARTNER in f"{self.title} {self.problem} {self.proposal}"


@dataclass(frozen=True)
class IdeaWording:
    """The demo's improvement ideas, and the reviewers' words about them."""

    accept_reasons: tuple[str, ...]  # "": accepted without a reason
    trouble_accept_reasons: tuple[str, ...]
    decline_reasons: tuple[str, ...]
    partner_decline_reason: str
    duplicate_reason: str
    duplicate_prefixes: tuple[str, ...]  # before the problem of an idea submitted again
    implement_notes: tuple[str, ...]
    ideas: tuple[IdeaText, ...]


@cache
def idea_wording() -> IdeaWording:
    """Return the wording of the demo's ideas."""
    table = read_wording("ideas.toml")
    ideas = tuple(
        record(IdeaText, idea, f"ideas.toml, idea {number}")
        for number, idea in enumerate(table.get("ideas", []), start=1)
    )
    return record(IdeaWording, table, "ideas.toml", ideas=ideas)


@dataclass(frozen=True)
class KudosWording:
    """Kudos for frontline staff: for complaints handled well, for ideas that worked."""

    complaints: tuple[str, ...]
    themes: Mapping[str, tuple[str, ...]]  # for complaints of one theme, used now and then
    ideas_implemented: tuple[str, ...]
    ideas_accepted: tuple[str, ...]


@cache
def kudos_wording() -> KudosWording:
    """Return the wording of the demo's kudos."""
    table = read_wording("kudos.toml")
    themes = {key: tuple(texts) for key, texts in table.get("themes", {}).items()}
    return record(KudosWording, table, "kudos.toml", themes=themes)
