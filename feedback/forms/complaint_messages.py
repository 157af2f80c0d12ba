"""Forms of writing to complainants: reply templates, e-mails to the customer, their replies."""

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.validation import LONG_TEXT

from ..models import ReplyTemplate
from ..reply_placeholders import PLACEHOLDERS, placeholder_errors

SUBJECT_LENGTH = 200  # ReplyTemplate.subject's and ComplaintMessage.subject's
EMAIL_LENGTH = 254  # an EmailField's


def placeholder_help() -> SafeString:
    """Return the list of placeholders, as the template form explains them."""
    return format_html_join(
        ", ", "<code>{{{}}}</code> {}", ((name, text) for name, text in PLACEHOLDERS.items())
    )


class PlaceholderTexts:
    """A form's subject and text whose placeholders must be known ones, refused next to each."""

    cleaned_data: dict[str, Any]

    def _checked(self, name: str) -> str:
        text: str = self.cleaned_data.get(name, "")
        errors = placeholder_errors(text)
        if errors:
            raise forms.ValidationError(errors)
        return text

    def clean_subject(self) -> str:
        return self._checked("subject")

    def clean_body(self) -> str:
        return self._checked("body")


class ReplyTemplateForm(PlaceholderTexts, forms.Form):
    """A reply template quality managers keep."""

    name = forms.CharField(label=_("Name"), max_length=120)
    purpose = forms.ChoiceField(label=_("Used for"), choices=ReplyTemplate.Purpose.choices)
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_LENGTH)
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}), max_length=LONG_TEXT
    )
    is_active = forms.BooleanField(
        label=_("Offered to staff"),
        required=False,
        initial=True,
        help_text=_("Untick to retire it: it stays on record with the messages sent from it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = format_html(
            "{} {}.", _("Placeholders:"), placeholder_help()
        )


class CustomerMessageForm(PlaceholderTexts, forms.Form):
    """An e-mail to the customer about their complaint, prefilled from a reply template.

    The template list fills the subject and text as it changes (static/js/reply_templates.js);
    without JavaScript, the "Use this template" button does it on the server.
    """

    template = forms.ModelChoiceField(
        label=_("Start from a template"),
        queryset=ReplyTemplate.objects.none(),
        required=False,
        empty_label=_("— none: write it yourself —"),
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_LENGTH)
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}), max_length=LONG_TEXT
    )

    def __init__(self, *args: Any, purpose: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        templates = ReplyTemplate.objects.filter(is_active=True)
        if purpose:
            templates = templates.filter(purpose=purpose)
        field: Any = self.fields["template"]
        field.queryset = templates.order_by("name", "pk")
        field.widget.attrs.update({"data-reply-template": True})
        self.fields["body"].help_text = _(
            "Placeholders left in the text, such as {reference}, are filled when it is sent."
        )


class CustomerEmailForm(CustomerMessageForm):
    """The e-mail that may go with acknowledging or responding to a complaint."""

    send_email = forms.BooleanField(label=_("E-mail this to the customer"), required=False)
    field_order = ["send_email", "template", "subject", "body"]

    def __init__(self, *args: Any, purpose: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, purpose=purpose, **kwargs)
        self.fields["subject"].required = False
        self.fields["body"].required = False
        if purpose == ReplyTemplate.Purpose.RESPONSE:
            self.fields["body"].help_text = _(
                "{decision} becomes the decision written above when the e-mail is sent, as do "
                "other placeholders left in the text."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("send_email"):
            for name, message in (
                ("subject", _("Write the e-mail's subject, or untick sending it.")),
                ("body", _("Write the e-mail's text, or untick sending it.")),
            ):
                if name in cleaned and not cleaned[name].strip():
                    self.add_error(name, message)
        return cleaned

    def email(self) -> dict[str, Any]:
        """Return the service's e-mail arguments: empty when the e-mail is not to be sent."""
        data = self.cleaned_data
        if not data.get("send_email"):
            return {}
        return {
            "email_subject": data["subject"],
            "email_body": data["body"],
            "email_template": data["template"],
        }


class ReplyLogForm(forms.Form):
    """A customer's reply that reached staff some other way, pasted in."""

    address = forms.EmailField(
        label=_("From"),
        required=False,
        max_length=EMAIL_LENGTH,
        help_text=_("Left empty: the customer's address on the complaint."),
    )
    subject = forms.CharField(label=_("Subject"), required=False, max_length=SUBJECT_LENGTH)
    body = forms.CharField(
        label=_("Their reply"), widget=forms.Textarea(attrs={"rows": 5}), max_length=LONG_TEXT
    )


class ContactEmailForm(forms.Form):
    """The customer's e-mail address, kept on this complaint only."""

    contact_email = forms.EmailField(
        label=_("Customer's e-mail"),
        required=False,
        max_length=EMAIL_LENGTH,
        help_text=_("Kept on this complaint only, and erased with it. Empty it to remove it."),
    )
