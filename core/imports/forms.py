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

    def __init__(self, *args: Any, importers: list[Importer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["importer"].choices = [(item.key, item.label) for item in importers]  # type: ignore[attr-defined]


class MappingForm(forms.Form):
    """Pick, for each column the importer reads, the file's column holding it."""

    def __init__(
        self,
        *args: Any,
        importer: Importer,
        headers: list[str],
        suggested: dict[str, int | None],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [
            (str(position), header or _("(column %(number)s)") % {"number": position + 1})
            for position, header in enumerate(headers)
        ]
        for column in importer.columns:
            position = suggested.get(column.name)
            self.fields[column.name] = forms.TypedChoiceField(
                label=column.name,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=column.required,
                help_text=column.help,
                initial="" if position is None else str(position),
                error_messages={"required": _("Choose the file's column holding it.")},
            )

    def mapping(self) -> dict[str, int | None]:
        """Return the chosen positions by column name."""
        return dict(self.cleaned_data)
