"""The wording of the improvement demo: each cycle's Plan, actions and decision, from
`cycles.toml`. The records below are the file's schema; it is read once."""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from feedback.demo.texts import record

WORDING_FILE = Path(__file__).with_name("cycles.toml")


@dataclass(frozen=True)
class ActionText:
    """One action of a cycle: what, whose, when it is due and when it was done."""

    title: str
    owner: str = "colleague"  # frontline, colleague, manager or owner
    due: int | None = None  # days after the Do phase began (the cycle began, for containment)
    due_in: int | None = None  # days from today, for the open actions of running cycles
    done: int | None = None  # days after the Do phase (or the cycle) began; None: not done
    note: str = ""
    deferred: str = ""  # the reason an open action is deferred
    containment: bool = False


@dataclass(frozen=True)
class CycleText:
    """What a cycle's owner wrote: the Plan, the actions, the decision and the public summary."""

    title: str
    problem: str
    idea: str = ""  # the title of the accepted idea it starts from, when the demo has that idea
    root_cause: str = ""
    whys: tuple[str, ...] = ()
    hypothesis: str = ""
    actions: tuple[ActionText, ...] = ()
    reason: str = ""  # of the decision
    new_standard: str = ""
    public_summary: str = ""
    recognition: str = ""  # the behaviour recognised when the change is adopted


@dataclass(frozen=True)
class CycleWording:
    """Every cycle's wording by story key, and the reasons used when the data overrule a story."""

    cycles: Mapping[str, CycleText]
    fallback: Mapping[str, str]  # by outcome (adapt, abandon)


def _cycle(key: str, table: Mapping[str, Any]) -> CycleText:
    actions = tuple(
        record(ActionText, action, f"{key}.actions[{number}]")
        for number, action in enumerate(table.get("actions", []))
    )
    return record(CycleText, table, key, actions=actions)


@cache
def cycle_wording() -> CycleWording:
    """Return the demo cycles' wording, read from `cycles.toml` once."""
    with WORDING_FILE.open("rb") as file:
        tables = tomllib.load(file)
    fallback = tables.pop("fallback")
    return CycleWording(
        cycles={key: _cycle(key, table) for key, table in tables.items()},
        fallback=dict(fallback),
    )
