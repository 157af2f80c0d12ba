"""Validation of the request bodies of the feedback API's actions."""

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
