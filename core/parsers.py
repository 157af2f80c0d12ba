"""Request-body parsers of the API: JSON and form bodies read within bounds.

DRF's JSON parser hands any nesting to `json.load`, which recurses once per level: 10,000 `[`
raise RecursionError (a 500). These parsers refuse, with a 400 that says why, a body nested
deeper than `MAX_DEPTH`, malformed JSON and NUL characters (PostgreSQL cannot store them).
The body's size is bounded before they run: REST framework reads it through Django's
`request.body`, which refuses more than DATA_UPLOAD_MAX_MEMORY_SIZE bytes (a 413 from
`core.views.bad_request`).
"""

import codecs
import json
import re
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

# Deepest nesting of arrays and objects a body may have. The API's deepest request (a bulk load:
# an object holding a list of objects of values) is 3 levels; 32 leaves room for any client.
MAX_DEPTH = 32

# A JSON string (skipped whole: brackets inside text do not nest) or one bracket.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def nesting_depth_exceeds(text: str, limit: int) -> bool:
    """Return whether JSON text nests arrays and objects deeper than limit, without parsing it.

    Only brackets outside strings count; the scan stops at the first level past the limit, so a
    body of a million `[` costs no more than one of `limit + 1`.
    """
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        found = match.group()
        if found in "[{":
            depth += 1
            if depth > limit:
                return True
        elif found in "]}":
            depth -= 1
    return False


def contains_nul(data: Any) -> bool:
    """Return whether a parsed JSON value holds a NUL character in any string or key."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


class JSONParser(parsers.JSONParser):
    """Parse a JSON body of bounded depth without NUL characters; refuse others with 400.

    The default parser of the API (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES).
    """

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        try:
            text = codecs.decode(stream.read(), encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise ParseError(_("JSON parse error - the body is not %s text.") % encoding) from error
        if nesting_depth_exceeds(text, MAX_DEPTH):
            raise ParseError(
                _("JSON parse error - arrays and objects are nested deeper than %(limit)d levels.")
                % {"limit": MAX_DEPTH}
            )
        try:
            data = json.loads(text, parse_constant=strict_constant if self.strict else None)
        except (ValueError, RecursionError) as error:
            raise ParseError(_("JSON parse error - %s") % error) from error
        if contains_nul(data):
            raise ParseError(_("JSON parse error - text may not contain NUL (\\u0000) characters."))
        return data


class FormParser(parsers.FormParser):
    """Parse a URL-encoded form body (into an immutable QueryDict) without NUL characters.

    POST forms are checked by core.middleware before this; PUT and PATCH forms come here only.
    """

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        data = QueryDict(stream.read(), encoding=encoding)
        if contains_nul(dict(data.lists())):
            raise ParseError(_("Form parse error - text may not contain NUL characters."))
        return data
