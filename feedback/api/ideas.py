"""Ideas API: staff submit improvement ideas, colleagues support and discuss them, quality
managers decide and choose which show on the public roadmap."""

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from core.api import ReadBackMixin
from core.roles import acting_user
from core.validation import LONG_TEXT

from .. import selectors, services
from ..models import IdeaComment, IdeaEvent, ImprovementIdea
from ..selectors.ideas import SEARCH_MAX_LENGTH
from .permissions import IdeaVotePermissions, MayReviewIdeas, MaySeeIdeas
from .validation import _valid


class IdeaSerializer(serializers.ModelSerializer[ImprovementIdea]):
    """An improvement idea with its support; what a submitter writes is writable."""

    touchpoint_name = serializers.CharField(
        source="touchpoint.name", read_only=True, allow_null=True
    )
    submitted_by_username = serializers.CharField(source="submitted_by.username", read_only=True)
    vote_count = serializers.IntegerField(read_only=True)
    comment_count = serializers.IntegerField(read_only=True)
    supported = serializers.BooleanField(
        read_only=True, help_text="Whether the caller supports the idea."
    )

    class Meta:
        model = ImprovementIdea
        fields = [
            "id",
            "reference",
            "status",
            "title",
            "problem",
            "proposal",
            "expected_benefit",
            "touchpoint",
            "touchpoint_name",
            "source",
            "submitted_by",
            "submitted_by_username",
            "submitted_at",
            "decision_reason",
            "decided_by",
            "decided_at",
            "implemented_at",
            "outcome",
            "on_roadmap",
            "vote_count",
            "comment_count",
            "supported",
        ]
        read_only_fields = [
            "status",
            "submitted_by",
            "submitted_at",
            "decision_reason",
            "decided_by",
            "decided_at",
            "implemented_at",
            "outcome",
            "on_roadmap",
        ]
        validators: list[Any] = []


class IdeaEventSerializer(serializers.ModelSerializer[IdeaEvent]):
    """One entry of an idea's timeline."""

    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)
    # A plain string: the status choices are documented once, on the idea.
    to_status = serializers.CharField(read_only=True)

    class Meta:
        model = IdeaEvent
        fields = ["id", "actor", "at", "to_status", "text"]
        read_only_fields = fields


class IdeaCommentSerializer(serializers.ModelSerializer[IdeaComment]):
    """A comment in an idea's conversation; only its text is written."""

    author = serializers.CharField(source="author.username", read_only=True, allow_null=True)
    author_name = serializers.SerializerMethodField()
    # Blank is the service's to refuse, with the same words as the page.
    text = serializers.CharField(allow_blank=True, max_length=LONG_TEXT)

    class Meta:
        model = IdeaComment
        fields = ["id", "author", "author_name", "text", "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]

    def get_author_name(self, comment: IdeaComment) -> str:
        """Return the author's full name (their username when they have none)."""
        author = comment.author
        return (author.get_full_name() or author.get_username()) if author else ""


ROADMAP_HELP = (
    "Show the idea on the public roadmap (title, status, touchpoint and outcome; never who "
    "submitted it). Left out: unchanged."
)


class IdeaAcceptanceSerializer(serializers.Serializer):
    """Why the idea is accepted (optional), and whether it shows on the public roadmap."""

    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT
    )
    on_roadmap = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=ROADMAP_HELP
    )


class IdeaRoadmapSerializer(serializers.Serializer):
    """Whether the accepted or implemented idea shows on the public roadmap."""

    on_roadmap = serializers.BooleanField()


class IdeaDeclineSerializer(serializers.Serializer):
    """Why the idea is declined, for its submitter."""

    reason = serializers.CharField(allow_blank=True, max_length=LONG_TEXT)


class IdeaNoteSerializer(serializers.Serializer):
    """An optional note on how the idea was implemented, and whether it shows as done on the
    public roadmap."""

    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=LONG_TEXT)
    on_roadmap = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=ROADMAP_HELP
    )


class IdeaFilter(filters.FilterSet):
    """Search ideas, and filter them by status, touchpoint, source, submitter and roadmap."""

    search = filters.CharFilter(
        method="search_ideas",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Words the reference, title, problem, proposal or outcome contain (every "
        "word, in any case).",
    )

    class Meta:
        model = ImprovementIdea
        fields = ["status", "touchpoint", "source", "submitted_by", "on_roadmap"]

    def search_ideas(
        self, ideas: QuerySet[ImprovementIdea], name: str, value: str
    ) -> QuerySet[ImprovementIdea]:
        """Keep the ideas containing every word of the search (the idea list page's search)."""
        return selectors.idea_search(ideas, value)


IDEA_ANSWER = OpenApiResponse(IdeaSerializer, description="The idea, after the decision.")


class IdeaViewSet(
    ReadBackMixin[ImprovementIdea],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[ImprovementIdea],
):
    """Improvement ideas from staff: colleagues support them, quality managers decide."""

    serializer_class = IdeaSerializer
    filterset_class = IdeaFilter

    def get_queryset(self) -> QuerySet[ImprovementIdea]:
        # Aggregating drops the model's default ordering; paging needs a stable one.
        return selectors.idea_list(self.request.user).order_by("-submitted_at", "-id")

    def perform_create(self, serializer: BaseSerializer[ImprovementIdea]) -> None:
        idea = services.idea_submit(
            submitted_by=acting_user(self.request), **serializer.validated_data
        )
        # Read it back through the selector so the response carries the support count.
        serializer.instance = self.read_back(idea)

    @extend_schema(responses=IdeaEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: str) -> Response:
        """Return the idea's timeline, oldest first."""
        events = selectors.idea_timeline(self.get_object())
        return Response(IdeaEventSerializer(events, many=True).data)

    @extend_schema(request=None, responses=IDEA_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReviewIdeas])
    def review(self, request: Request, pk: str) -> Response:
        """Take the idea into review."""
        idea = self.get_object()
        services.idea_review(idea=idea, by=acting_user(request))
        return self.answer(idea)

    @extend_schema(request=IdeaAcceptanceSerializer, responses=IDEA_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReviewIdeas])
    def accept(self, request: Request, pk: str) -> Response:
        """Accept the idea: it becomes a candidate for a PDCA cycle."""
        idea = self.get_object()
        data = _valid(IdeaAcceptanceSerializer, request)
        services.idea_accept(
            idea=idea, by=acting_user(request), reason=data["reason"], on_roadmap=data["on_roadmap"]
        )
        return self.answer(idea)

    @extend_schema(request=IdeaDeclineSerializer, responses=IDEA_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReviewIdeas])
    def decline(self, request: Request, pk: str) -> Response:
        """Decline the idea with the reason its submitter will read."""
        idea = self.get_object()
        data = _valid(IdeaDeclineSerializer, request)
        services.idea_decline(idea=idea, by=acting_user(request), reason=data["reason"])
        return self.answer(idea)

    @extend_schema(request=IdeaNoteSerializer, responses=IDEA_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReviewIdeas])
    def implement(self, request: Request, pk: str) -> Response:
        """Mark the accepted idea as implemented."""
        idea = self.get_object()
        data = _valid(IdeaNoteSerializer, request)
        services.idea_implement(
            idea=idea, by=acting_user(request), note=data["note"], on_roadmap=data["on_roadmap"]
        )
        return self.answer(idea)

    @extend_schema(request=IdeaRoadmapSerializer, responses=IDEA_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReviewIdeas])
    def roadmap(self, request: Request, pk: str) -> Response:
        """Show the accepted or implemented idea on the public roadmap, or take it off."""
        idea = self.get_object()
        data = _valid(IdeaRoadmapSerializer, request)
        services.idea_set_roadmap(idea=idea, by=acting_user(request), on_roadmap=data["on_roadmap"])
        return self.answer(idea)

    @extend_schema(
        methods=["GET"],
        description="The idea's conversation, oldest first, a page at a time.",
        responses=IdeaCommentSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        description="Add a comment to the idea's conversation (whoever may see the idea may). "
        "Its submitter, supporters and earlier commenters are told in their notifications.",
        request=IdeaCommentSerializer,
        responses={201: IdeaCommentSerializer},
    )
    @action(detail=True, methods=["get", "post"], permission_classes=[MaySeeIdeas])
    def comments(self, request: Request, pk: str) -> Response:
        """List the idea's comments (GET) or add one (POST)."""
        idea = self.get_object()
        if request.method == "POST":
            data = _valid(IdeaCommentSerializer, request)
            comment = services.idea_comment(idea=idea, by=acting_user(request), text=data["text"])
            return Response(IdeaCommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        rows = selectors.idea_comments(idea)
        # The paginator itself: paginate_queryset is typed for the view's own rows (ideas).
        paginator = self.paginator
        page = paginator.paginate_queryset(rows, request, view=self) if paginator else None
        if page is None:
            return Response(IdeaCommentSerializer(rows, many=True).data)
        return self.get_paginated_response(IdeaCommentSerializer(page, many=True).data)

    @extend_schema(
        methods=["POST"],
        description="Support a colleague's idea (once; not one's own, not after a decision).",
        request=None,
        responses={201: OpenApiResponse(IdeaSerializer, description="The idea, supported.")},
    )
    @extend_schema(
        methods=["DELETE"],
        description="Withdraw one's support for the idea (nothing happens if there was none).",
        request=None,
        responses={204: None},
    )
    @action(detail=True, methods=["post", "delete"], permission_classes=[IdeaVotePermissions])
    def vote(self, request: Request, pk: str) -> Response:
        """Support a colleague's idea (POST), or withdraw the support (DELETE)."""
        idea = self.get_object()
        if request.method == "DELETE":
            services.idea_unvote(idea=idea, voter=acting_user(request))
            return Response(status=status.HTTP_204_NO_CONTENT)
        services.idea_vote(idea=idea, voter=acting_user(request))
        return self.answer(idea, status.HTTP_201_CREATED)
