"""Forms of the import pages: the upload, and the column mapping of the preview."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .registry import Importer
from .services import MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    """Choose what the file holds and upload it."""

    importer = forms.ChoiceField(label=_("The file holds"))
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 CSV with a header line; comma, semicolon or tab separated; up to %(size)s MB."
        )
        % {"size": MAX_UPLOAD_BYTES // 1024 // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, importers: list[Importer], user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["importer"].choices = [(item.key, item.label) for item in importers]  # type: ignore[attr-defined]
        # A choice per column some importer lets the whole file share (the survey of survey
        # responses); the service refuses it, next to the field, for an importer without it.
        self.option_names: list[str] = []
        for importer in importers:
            for column in importer.per_file_columns:
                if column.name in self.fields:
                    continue
                self.option_names.append(column.name)
                takers = [item for item in importers if column in item.per_file_columns]
                self.fields[column.name] = forms.ChoiceField(
                    label=column.label,
                    required=False,
                    choices=[
                        ("", _("— given in a column of the file —")),
                        *importer.option_choices(column.name, user),
                    ],
                    help_text=_(
                        "For %(importers)s only: choose it here and the file needs no "
                        "%(column)s column."
                    )
                    % {
                        "importers": ", ".join(str(item.label).lower() for item in takers),
                        "column": column.name,
                    },
                    # static/js/import_upload.js shows the choice only for these importers.
                    widget=forms.Select(
                        attrs={"data-for-importers": " ".join(item.key for item in takers)}
                    ),
                )

    def options(self) -> dict[str, str]:
        """Return the values chosen for the whole file, by column."""
        return {name: self.cleaned_data.get(name) or "" for name in self.option_names}


class MappingForm(forms.Form):
    """Pick, for each column the importer reads, the file's column holding it."""

    def __init__(
        self,
        *args: Any,
        importer: Importer,
        headers: list[str],
        suggested: dict[str, int | None],
        chosen_labels: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        chosen_labels = chosen_labels or {}
        choices = [("", _("— not in the file —"))] + [
            (str(position), header or _("(column %(number)s)") % {"number": position + 1})
            for position, header in enumerate(headers)
        ]
        for column in importer.columns:
            position = suggested.get(column.name)
            chosen = chosen_labels.get(column.name)
            self.fields[column.name] = forms.TypedChoiceField(
                label=column.name,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=column.required and chosen is None,
                help_text=column.help
                if chosen is None
                else _(
                    "Chosen for the whole file: %(value)s. Leave it out, or pick a column "
                    "naming the same."
                )
                % {"value": chosen},
                initial="" if position is None else str(position),
                error_messages={"required": _("Choose the file's column holding it.")},
            )

    def mapping(self) -> dict[str, int | None]:
        """Return the chosen positions by column name."""
        return dict(self.cleaned_data)
