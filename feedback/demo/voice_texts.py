"""The wording of the survey demo: comments per survey and score band, suggestions, themes.

Comments are short, the way customers type them into a survey box. Each survey has comments for
low, middling and high scores; some only fit a period of the demo year (SwiftParcel's bad spell,
the new support call-back), and are used there instead of the usual ones now and then. The texts
are TOML files in `wording/`; the records below are their schema.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property

from .texts import read_wording, record

# Score bands: "low" (NPS 0-6, CSAT 1-2, CES 1-3), "mid" (NPS 7-8, CSAT 3, CES 4) and "high".
Comments = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class SurveyWording:
    """What customers and staff write in the demo surveys, by survey key and score band."""

    comments: Mapping[str, Comments]
    trouble_comments: Comments  # in SwiftParcel's bad spell
    callback_comments: Comments  # since support calls customers back
    improvements: Mapping[str, tuple[str, ...]]  # one thing to improve, per survey


def texts_by_key(table: Mapping[str, list[str]]) -> Mapping[str, tuple[str, ...]]:
    """Return a table of text arrays, the arrays as tuples."""
    return {band: tuple(texts) for band, texts in table.items()}


@cache
def survey_wording() -> SurveyWording:
    """Return the wording of the demo's survey answers."""
    table = read_wording("survey_comments.toml")
    return record(
        SurveyWording,
        table,
        "survey_comments.toml",
        comments={key: texts_by_key(bands) for key, bands in table.get("comments", {}).items()},
        trouble_comments=texts_by_key(table.get("trouble_comments", {})),
        callback_comments=texts_by_key(table.get("callback_comments", {})),
        improvements=texts_by_key(table.get("improvements", {})),
    )


@dataclass(frozen=True)
class InsightTheme:
    """A theme of the insights, with the words that tag a comment or complaint with it."""

    name: str
    description: str
    words: tuple[str, ...]  # regular expressions, matched as whole words in any case

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Return the expression that finds any of the theme's words in a text."""
        return re.compile(rf"\b(?:{'|'.join(self.words)})\b", re.IGNORECASE)


@cache
def insight_themes() -> tuple[InsightTheme, ...]:
    """Return the themes of the demo's insights."""
    return tuple(
        record(InsightTheme, theme, f"insight_themes.toml, theme {number}")
        for number, theme in enumerate(read_wording("insight_themes.toml")["themes"], start=1)
    )


def themes_of(text: str) -> list[str]:
    """Return the names of the themes whose words occur in a text."""
    return [theme.name for theme in insight_themes() if theme.pattern.search(text)]
