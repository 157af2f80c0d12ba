"""The forms' renderer writes select boxes exactly as Django's templates do, only faster."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from core.form_renderer import FormRenderer
from stakeholders.models import Department

TRICKY = "a <b> & \"c\" 'd'"

WIDGETS: dict[str, tuple[forms.Widget, Any]] = {
    "plain": (forms.Select(choices=[("", "Any"), ("open", "Open"), ("closed", "Closed")]), "open"),
    "nothing chosen": (forms.Select(choices=[("a", "A"), ("b", "B")]), None),
    "groups": (
        forms.Select(
            choices=[
                ("", "Any owner"),
                ("Departments", [("department:1", "Care"), ("department:2", "Billing")]),
                ("Partners", [("partner:7", "Courier")]),
                ("solo", "Alone after the groups"),
            ]
        ),
        "partner:7",
    ),
    "escaped text": (
        forms.Select(choices=[(TRICKY, TRICKY), ("x", mark_safe("<i>safe</i>"))]),
        TRICKY,
    ),
    "lazy labels and groups": (
        forms.Select(choices=[(gettext_lazy("Status"), [("1", gettext_lazy("Open"))])]),
        "1",
    ),
    "numbers, days and decimals": (
        forms.Select(choices=[(1, 1234567), (2, date(2026, 3, 1)), (3, Decimal("1234.5"))]),
        2,
    ),
    "attributes": (
        forms.Select(
            attrs={
                "class": "form-select form-select-sm",
                "data-auto-submit": True,
                "hidden": False,
                "data-none": None,
                "data-safe": mark_safe("&amp;"),
                "data-n": 3,
                "aria-label": TRICKY,
            },
            choices=[("a", "A")],
        ),
        "a",
    ),
    "several chosen": (
        forms.SelectMultiple(choices=[(1, "One"), (2, "Two"), (3, "Three")]),
        [1, 3],
    ),
    "yes, no or unknown": (forms.NullBooleanSelect(), True),
    "empty": (forms.Select(choices=[]), None),
}


@pytest.mark.parametrize("case", WIDGETS)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_select_box_is_written_as_the_templates_write_it(case: str, language: str) -> None:
    widget, value = WIDGETS[case]
    with override(language):
        expected = widget.render("field", value, {"id": "id_field"}, renderer=DjangoTemplates())
        written = widget.render("field", value, {"id": "id_field"}, renderer=FormRenderer())

    assert written == expected
    assert written.startswith('<select name="field"')


@pytest.mark.django_db
def test_a_model_choice_box_is_written_as_the_templates_write_it() -> None:
    for name in ("Care", "Billing & <returns>"):
        Department.objects.create(name=name)
    field = forms.ModelChoiceField(Department.objects.order_by("name"), empty_label="Any")
    chosen = Department.objects.get(name="Care").pk

    expected = field.widget.render("department", chosen, renderer=DjangoTemplates())
    written = field.widget.render("department", chosen, renderer=FormRenderer())

    assert written == expected
    assert "Billing &amp; &lt;returns&gt;" in written


def test_other_widgets_and_other_option_templates_go_to_the_templates() -> None:
    """A radio list is drawn by its templates; so is a select whose options have their own."""

    class Starred(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    radios = forms.RadioSelect(choices=[("a", "A")])
    starred = Starred(choices=[("a", "A")])

    for widget in (radios, starred):
        expected = widget.render("field", "a", renderer=DjangoTemplates())
        assert widget.render("field", "a", renderer=FormRenderer()) == expected
    assert "<select" not in radios.render("field", "a", renderer=FormRenderer())
    assert "<option" not in starred.render("field", "a", renderer=FormRenderer())


def test_every_form_of_the_project_uses_the_renderer() -> None:
    assert isinstance(forms.Form().renderer, FormRenderer)


@pytest.mark.django_db
def test_a_listed_model_choice_field_reads_its_rows_once_in_a_plain_query(
    django_assert_num_queries: Any,
) -> None:
    """The complaint queue's journeys and touchpoints: Django's field reads its rows again for
    every pass over the choices, through a server-side cursor on PostgreSQL (DECLARE, FETCH,
    CLOSE); the listed field reads them once, with one SELECT."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.forms import ListedModelChoiceField

    for name in ("Care", "Billing"):
        Department.objects.create(name=name)

    class Filters(forms.Form):
        department = ListedModelChoiceField(Department.objects.order_by("name"), required=False)

    form = Filters(initial={"department": Department.objects.get(name="Care").pk})
    with CaptureQueriesContext(connection) as queries:
        first = list(form.fields["department"].choices)  # type: ignore[attr-defined]
        html = str(form["department"])

    assert len(queries) == 1, [query["sql"] for query in queries]
    assert queries[0]["sql"].startswith("SELECT")
    assert [label for _value, label in first] == ["---------", "Billing", "Care"]
    assert "selected>Care</option>" in html
