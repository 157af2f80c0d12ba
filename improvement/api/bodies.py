"""Validation of the request bodies of the improvement API's writes."""

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request


def valid(
    serializer_class: type[serializers.Serializer], request: Request, *, partial: bool = False
) -> dict[str, Any]:
    """Return the body's validated fields (400 naming each field at fault otherwise).

    The request goes into the serializer's context: some bodies may name only the records the
    caller may read.
    """
    serializer = serializer_class(data=request.data, partial=partial, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
