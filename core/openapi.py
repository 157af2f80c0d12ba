"""The API schema's error answers: what every operation may answer besides its success.

drf-spectacular documents the answers a view declares; the refusals come from shared code (the
authentication, `core.api.exception_handler`, `core.parsers`, `core.middleware`, the error
views), so `add_error_responses` (a POSTPROCESSING_HOOK) declares them on every operation where
they can happen. Clients then see the real shapes, and the schemathesis run
(tests/test_api_schema_fuzz.py) can hold every status code to the schema.
"""

from typing import Any, ClassVar

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from .idempotency import HEADER as IDEMPOTENCY_HEADER

ERROR = "Error"
INVALID_REQUEST = "InvalidRequest"

SCHEMAS: dict[str, dict[str, Any]] = {
    ERROR: {
        "type": "object",
        "description": "Why the request was refused.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    INVALID_REQUEST: {
        "type": "object",
        "description": (
            "Why the request was refused: `detail` (and `extra`, such as the rows at fault) when "
            "a rule refused it as a whole, or each field at fault with its messages "
            '(`{"received_at": ["Enter a date on or after Jan. 1, 2000."]}`); nested fields '
            "and list items nest the same way."
        ),
        "properties": {
            "detail": {
                "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
            },
            "extra": {"type": "object", "additionalProperties": {}},
        },
        "additionalProperties": {"oneOf": [{"type": "array"}, {"type": "object"}]},
    },
}

WRITES = {"post", "put", "patch", "delete"}


def _answer(schema: str, description: str) -> dict[str, Any]:
    """Return an OpenAPI response of a JSON body of one of the SCHEMAS."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def error_responses(method: str, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the error answers an operation can give, by status code."""
    answers = {
        "400": _answer(
            INVALID_REQUEST,
            "The request is not valid: a field, parameter or body that cannot be accepted "
            "(also a NUL character anywhere in it).",
        ),
        "403": _answer(ERROR, "The caller may not do this (or, signed in by session, no CSRF)."),
    }
    security = operation.get("security") or []
    if security and {} not in security:  # the operation requires credentials
        answers["401"] = _answer(ERROR, "No valid credentials were sent.")

    parameters = {(item.get("in"), item.get("name")) for item in operation.get("parameters", [])}
    if any(place == "path" for place, _name in parameters):
        answers["404"] = _answer(ERROR, "There is no such record, or it is not the caller's.")
    elif ("query", "page") in parameters:
        answers["404"] = _answer(ERROR, "There is no such page of results.")

    if "requestBody" in operation or method in WRITES:
        answers["413"] = _answer(ERROR, "The body is larger than the site accepts.")
        answers["415"] = _answer(ERROR, "The body is of a media type the operation does not take.")
    if method in WRITES:
        answers["409"] = _answer(ERROR, "Someone changed the same records at the same moment.")
    if ("header", IDEMPOTENCY_HEADER) in parameters:
        answers["422"] = _answer(ERROR, f"This {IDEMPOTENCY_HEADER} was used for another request.")
    return answers


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Declare the shared error answers on every operation that does not declare its own.

    An operation that declares one with a description only (`OpenApiResponse(description=...)`)
    keeps its description and gets the shared body.
    """
    result.setdefault("components", {}).setdefault("schemas", {}).update(SCHEMAS)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, answer in error_responses(method, operation).items():
                declared = responses.setdefault(code, answer)
                declared.setdefault("content", answer["content"])
    return result


class CachedSchemaGenerator(SchemaGenerator):
    """Build the API schema once per process, API version and language.

    It changes only with the code and the settings, and building it walks every view and
    serializer: about a second a request otherwise (`/api/schema/`, which any API client or
    signed-in person may fetch). A changed setting (tests) forgets what was built.
    """

    built: ClassVar[dict[tuple[str | None, str | None, bool], dict[str, Any]]] = {}

    def get_schema(self, request: Any = None, public: bool = False) -> dict[str, Any]:
        key = (self.api_version, translation.get_language(), public)
        if key not in self.built:
            self.built[key] = super().get_schema(request=request, public=public)
        return self.built[key]


@receiver(setting_changed)
def _schemas_forget(**kwargs: Any) -> None:
    CachedSchemaGenerator.built.clear()
