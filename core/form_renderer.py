"""The forms' renderer: Django's own, with its select boxes written in Python.

Django draws a select box through templates: one for the box, one included per option, one more
per option for its attributes. The complaint queue's eight filters hold about a hundred options,
and drawing them took a fifth of the page's time (cProfile on the demo). `FormRenderer` writes
exactly the markup those templates write (a test compares the two over every kind of option),
and hands every other widget, and any select whose templates are not Django's, to the templates.
"""

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _shown(value: Any) -> str:
    """`{{ value }}` in a template: localised, turned into text, escaped unless safe."""
    value = localize(template_localtime(value))
    return str(conditional_escape(value if isinstance(value, str) else str(value)))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` in a template (a safe value stays safe), escaped."""
    text = "%s" % (value,)  # noqa: UP031 - the filter's own formatting
    return str(conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text))  # noqa: S308


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, none for False."""
    written = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            written.append(f" {_shown(name)}")
        else:
            written.append(f' {_shown(name)}="{_formatted(value)}"')
    return "".join(written)


def select_html(widget: dict[str, Any]) -> str:
    """Return what Django's select template writes for a widget's context."""
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"  # the included file's last line
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    """Django's template renderer, which writes select boxes without templates."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget") if template_name == SELECT else None
        if widget is not None and all(
            option["template_name"] == OPTION
            for _name, options, _index in widget["optgroups"]
            for option in options
        ):
            return select_html(widget)
        return super().render(template_name, context, request)
