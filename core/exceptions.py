"""The one error type for business-rule violations."""

from typing import Any


class ApplicationError(Exception):
    """A business rule refused an action; the message is shown to the user as it is.

    Pages turn it into a form error, the API into a 400 response with `detail` and `extra`.
    """

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
