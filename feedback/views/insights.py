"""Insight pages: the searchable list with monthly theme counts, tagging, export, notes, themes."""

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import service_errors
from core.pagination import COUNT_LIMIT, page_of
from core.roles import acting_user
from core.spreadsheets import EXPORT_BATCH, csv_download

from .. import selectors, services
from ..forms import InsightFilterForm, InsightNoteForm, InsightTagForm, ThemeForm
from ..models import Theme


def _filters(request: HttpRequest) -> tuple[InsightFilterForm, selectors.InsightFilters]:
    form = InsightFilterForm(request.GET or None)
    return form, (form.filters() if request.GET else selectors.InsightFilters())


@permission_required("feedback.view_insight", raise_exception=True)
def insight_list(request: HttpRequest) -> HttpResponse:
    """List insights, searched and filtered, with how often each theme came up per month."""
    form, filters = _filters(request)
    return render(
        request,
        "feedback/insights/insight_list.html",
        {
            "form": form,
            "page_obj": page_of(
                request,
                selectors.insight_list(request.user, filters),
                counted_up_to=COUNT_LIMIT,
            ),
            "trend": selectors.theme_counts_by_month(request.user, filters),
            "themes": list(selectors.active_themes()),
            "can_tag": request.user.has_perm("feedback.change_insight"),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )


def _back(request: HttpRequest) -> str:
    target = str(request.POST.get("next") or "")
    return target if target.startswith("/") and not target.startswith("//") else ""


@permission_required("feedback.change_insight", raise_exception=True)
@require_POST
def insight_tag(request: HttpRequest, pk: int) -> HttpResponse:
    """Set an insight's themes (htmx swaps the row; plain posts go back to the list)."""
    insight = get_object_or_404(selectors.insights_visible_to(request.user), pk=pk)
    form = InsightTagForm(request.POST)
    error = ""
    if form.is_valid():
        with service_errors() as call:
            services.insight_tag(
                insight=insight, themes=form.cleaned_data["themes"], by=acting_user(request)
            )
        error = call.message
    else:
        error = _("Choose themes from the list.")
    if request.headers.get("HX-Request"):
        row = selectors.insight_list(request.user).get(pk=pk)
        return render(
            request,
            "feedback/insights/partials/insight_row.html",
            {
                "insight": row,
                "themes": list(selectors.active_themes()),
                "can_tag": True,
                "tag_error": error,
                "next": _back(request),
            },
            # htmx swaps only successful answers: the refusal is shown inside the row.
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Themes saved."))
    return redirect(_back(request) or "feedback:insight-list")


@permission_required("feedback.view_insight", raise_exception=True)
def insight_export(request: HttpRequest) -> StreamingHttpResponse:
    """Stream every visible filtered insight as CSV, with its themes joined by "; "."""
    _form, filters = _filters(request)
    rows = selectors.insight_list(request.user, filters)
    header = [
        "id",
        "occurred_at",
        "source",
        "journey",
        "touchpoint",
        "complaint",
        "noted_by",
        "themes",
        "text",
    ]

    def lines() -> Iterator[list[Any]]:
        for insight in rows.iterator(chunk_size=EXPORT_BATCH):
            touchpoint = insight.touchpoint
            yield [
                insight.pk,
                insight.occurred_at,
                insight.source,
                touchpoint.stage.journey.name if touchpoint else None,
                touchpoint.name if touchpoint else None,
                insight.complaint.reference if insight.complaint else None,
                insight.author.get_username() if insight.author else None,
                "; ".join(theme.name for theme in insight.themes.all()),
                insight.text,
            ]

    return csv_download("insights", header, lines())


@permission_required("feedback.add_insight", raise_exception=True)
def insight_create(request: HttpRequest) -> HttpResponse:
    """Note down what a customer said to a member of staff."""
    may_tag = request.user.has_perm("feedback.change_insight")
    form = InsightNoteForm(
        request.POST or None,
        may_tag=may_tag,
        initial={"touchpoint": request.GET.get("touchpoint")},
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            services.insight_note(author=acting_user(request), **form.cleaned_data)
        if call.ok:
            messages.success(request, _("Thank you: the note is saved with the insights."))
            return redirect("feedback:insight-list")
    return render(request, "feedback/insights/insight_form.html", {"form": form})


# Themes -----------------------------------------------------------------------------------------


@permission_required("feedback.view_theme", raise_exception=True)
def theme_list(request: HttpRequest) -> HttpResponse:
    """List the themes with how many insights carry each."""
    return render(
        request,
        "feedback/insights/theme_list.html",
        {
            "themes": selectors.theme_list(request.user),
            "can_edit": request.user.has_perm("feedback.change_theme"),
        },
    )


@permission_required("feedback.add_theme", raise_exception=True)
def theme_create(request: HttpRequest) -> HttpResponse:
    """Add a theme."""
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            theme = services.theme_create(by=acting_user(request), **form.cleaned_data)
        if call.ok:
            messages.success(request, _("Theme %(name)s added.") % {"name": theme.name})
            return redirect("feedback:theme-list")
    return render(request, "feedback/insights/theme_form.html", {"form": form, "theme": None})


@permission_required("feedback.change_theme", raise_exception=True)
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename, describe, deactivate or reactivate a theme."""
    theme = get_object_or_404(Theme, pk=pk)
    form = ThemeForm(
        request.POST or None,
        initial={
            "name": theme.name,
            "description": theme.description,
            "is_active": theme.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            services.theme_update(theme=theme, by=acting_user(request), **form.cleaned_data)
        if call.ok:
            messages.success(request, _("Theme %(name)s saved.") % {"name": theme.name})
            return redirect("feedback:theme-list")
    return render(request, "feedback/insights/theme_form.html", {"form": form, "theme": theme})
