"""API pieces owned by core: the error handler, answering writes, the signed-in user's profile,
and the token endpoint where integrations exchange a password for their API token.

Viewsets call the service and let business errors propagate: `exception_handler` (the
REST_FRAMEWORK EXCEPTION_HANDLER) turns them into responses, so no viewset catches them.
"""

from typing import Any, TypeVar

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import Model
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from . import services
from .exceptions import ApplicationError
from .roles import user_roles
from .two_factor import confirmed_device

ModelT = TypeVar("ModelT", bound=Model)


def exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    """Turn business-rule and model validation errors into 400 responses with a clear message.

    `ApplicationError`: 400 `{"detail": message, "extra": {...}}`. Django `ValidationError`: 400
    keyed by field (`{"field": ["message"]}`), or `{"detail": [messages]}` without fields.
    `IntegrityError`: 409. `PermissionDenied`: 403 with its message. The rest as DRF answers.
    """
    if isinstance(error, ApplicationError):
        return Response(
            {"detail": error.message, "extra": error.extra}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(error, DjangoValidationError):
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(error, IntegrityError):
        # Validation passed but the database refused: a concurrent write got there first.
        return Response(
            {"detail": "Someone else changed these records at the same moment; please try again."},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(error, PermissionDenied):
        return Response({"detail": str(error)}, status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(error, context)


class ReadBackMixin(GenericAPIView[ModelT]):
    """Answer a write like a read: the written row, read back through the view's queryset.

    Services return the row they wrote; reading it again adds what the view's reads add (support
    counts, themes, item scores), so a client gets the same shape from POST as from GET.
    """

    def read_back(self, row: ModelT) -> ModelT:
        """Return the written row as the view reads it (override to use a detail selector)."""
        return self.get_queryset().get(pk=row.pk)

    def answer(self, row: ModelT, code: int = status.HTTP_200_OK) -> Response:
        """Return the written row, read back and serialized with the view's serializer."""
        serializer_class = self.get_serializer_class()
        return Response(serializer_class(self.read_back(row)).data, status=code)


class MeSerializer(serializers.Serializer):
    """The signed-in user's identity and roles."""

    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.CharField())
    is_administrator = serializers.BooleanField()


class MeView(APIView):
    """Return who the caller is and which roles they hold (integrations check their token)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        data = {
            "username": user.get_username(),
            "full_name": user.get_full_name(),  # type: ignore[union-attr]
            "email": user.email,  # type: ignore[union-attr]
            "roles": sorted(role.value for role in user_roles(user)),
            "is_administrator": user.is_superuser,
        }
        return Response(MeSerializer(data).data)


class TokenRequestSerializer(serializers.Serializer):
    """A username and password, exchanged for the user's API token."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    code = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        help_text="The authenticator app's current code, for accounts with two-step sign-in.",
    )


class TokenSerializer(serializers.Serializer):
    """The API token to send as `Authorization: Token <token>`."""

    token = serializers.CharField()


class SignInLockedSerializer(serializers.Serializer):
    """Why sign-in is refused for now, and when it may be tried again."""

    detail = serializers.CharField()
    reason = serializers.CharField()
    scope = serializers.ChoiceField(choices=["account", "address"])
    locked_until = serializers.DateTimeField()
    retry_after = serializers.IntegerField(help_text="Seconds until sign-in may be tried again.")


class InvalidCredentials(APIException):
    """The username and password do not match an active account."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Unable to sign in with this username and password."
    default_code = "invalid_credentials"


class CodeRequired(APIException):
    """The account signs in with an authenticator code too, and none was sent."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "This account uses two-step sign-in: send the authenticator's code as code."
    default_code = "code_required"


class TokenObtainView(APIView):
    """Return the API token of the user whose username and password are posted.

    Limited like the sign-in page (core.login_protection): every wrong password counts, and
    during a lockout axes' middleware answers 429 with the reason and the time to retry. An
    account with two-step sign-in (core.two_factor) must send its authenticator's code too.
    """

    authentication_classes: list[type] = []  # the password is the credential; no CSRF to check
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                description="A field is missing, the credentials are wrong, or the account's "
                "authenticator code is missing or wrong."
            ),
            429: OpenApiResponse(
                SignInLockedSerializer, description="Too many failed sign-ins: retry later."
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        given = credentials.validated_data
        # Django's request: axes marks a lockout on it, for its middleware to answer.
        user = authenticate(
            request._request, username=given["username"], password=given["password"]
        )
        if not isinstance(user, User):
            raise InvalidCredentials
        if confirmed_device(user) is not None:
            if not given.get("code"):
                raise CodeRequired
            services.totp_device_verify(user=user, code=given["code"])
        token = services.api_token_issue(user=user)
        return Response(TokenSerializer({"token": token.key}).data)
