"""Idempotency keys for API writes: a retried request gets the first answer, never a second row.

A client sends `Idempotency-Key: <any unique string>`; the first successful answer is stored per
caller and key and replayed (with `Idempotent-Replayed: true`) when the same request comes again.
The same key with a different request is refused, since it is most likely a client bug.
"""

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID is best). A retry with the same key returns the first "
        "answer instead of acting twice."
    ),
)


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        return Response(
            {"detail": f"This {HEADER} was already used for a different request."},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    return Response(
        record.response_body,
        status=record.response_status,
        headers={"Idempotent-Replayed": "true"},
    )


def idempotent(view_method: Callable[..., Response]) -> Callable[..., Response]:
    """Make a DRF view method honour the Idempotency-Key header."""

    @functools.wraps(view_method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view_method(view, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            return Response(
                {"detail": f"{HEADER} is at most {MAX_KEY_LENGTH} characters."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        fingerprint = _fingerprint(request)
        user: Any = request.user
        stored = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if stored is not None:
            return _replay(stored, fingerprint)
        try:
            # The row and the stored answer commit together: a retry either sees both or neither.
            with transaction.atomic():
                response = view_method(view, request, *args, **kwargs)
                if status.is_success(response.status_code):
                    IdempotencyRecord.objects.create(
                        user=user,
                        key=key,
                        fingerprint=fingerprint,
                        response_status=response.status_code,
                        response_body=json.loads(json.dumps(response.data, default=str)),
                    )
        except IntegrityError:
            # A concurrent request with the same key committed first: answer as it did.
            stored = IdempotencyRecord.objects.filter(user=user, key=key).first()
            if stored is None:
                raise
            return _replay(stored, fingerprint)
        return response

    return wrapper
