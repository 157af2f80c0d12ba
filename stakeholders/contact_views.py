"""Partner contacts: quality managers invite, re-invite and revoke them from the partner's page;
the invitation's link lets the contact choose a password and signs them in to the portal.

The link is Django's password-reset link (PasswordResetConfirmView): the token moves from the
address into the session before the form shows, so that it never leaks in a Referer header, and
it stops working once the password is set, a newer invitation is sent or the time runs out.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import service_errors
from core.roles import acting_user

from . import services
from .forms import ContactInviteForm
from .models import Partner, PartnerContact


def _contacts_of(partner: Partner) -> str:
    """Return the address of the partner page's contacts section."""
    return f"{partner.get_absolute_url()}#contacts"


@permission_required("stakeholders.add_partnercontact", raise_exception=True)
def contact_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite a partner's employee to the portal by e-mail."""
    partner = get_object_or_404(Partner, pk=pk)
    form = ContactInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            contact = services.partner_contact_invite(
                partner=partner,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                by=acting_user(request),
            )
        if call.ok:
            messages.success(
                request,
                _("Invitation sent to %(email)s: the link works for a few days, once.")
                % {"email": contact.user.email},
            )
            return redirect(_contacts_of(partner))
    return render(
        request, "stakeholders/contacts/contact_invite.html", {"form": form, "partner": partner}
    )


def _contact(pk: int) -> PartnerContact:
    return get_object_or_404(PartnerContact.objects.select_related("user", "partner"), pk=pk)


@require_POST
@permission_required("stakeholders.change_partnercontact", raise_exception=True)
def contact_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a contact a new invitation (the earlier links stop working)."""
    contact = _contact(pk)
    with service_errors(request=request) as call:
        services.partner_contact_resend(contact=contact, by=acting_user(request))
    if call.ok:
        messages.success(
            request, _("A new invitation went to %(email)s.") % {"email": contact.user.email}
        )
    return redirect(_contacts_of(contact.partner))


@require_POST
@permission_required("stakeholders.change_partnercontact", raise_exception=True)
def contact_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a contact's access to the portal."""
    contact = _contact(pk)
    with service_errors(request=request) as call:
        services.partner_contact_revoke(contact=contact, by=acting_user(request))
    if call.ok:
        messages.success(
            request,
            _("%(email)s can no longer sign in; their notes stay on the complaints.")
            % {"email": contact.user.email},
        )
    return redirect(_contacts_of(contact.partner))


class ContactAcceptView(PasswordResetConfirmView):
    """Let an invited contact choose a password, then sign them in (their home is the portal)."""

    template_name = "stakeholders/contacts/contact_accept.html"
    title = gettext_lazy("Choose your password")
    success_url = reverse_lazy("home")

    def get_user(self, uidb64: str) -> Any:
        """Return the invited contact's active account; nobody else's (staff use their own)."""
        user = super().get_user(uidb64)
        if user is None or not user.is_active:
            return None
        if not PartnerContact.objects.filter(user=user).exists():
            return None
        return user

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        contact = PartnerContact.objects.select_related("user").get(user=self.user)
        with service_errors(form) as call:
            services.partner_contact_accept(
                contact=contact, password=form.cleaned_data["new_password1"]
            )
        if not call.ok:
            return self.form_invalid(form)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        auth_login(self.request, contact.user)
        messages.success(
            self.request,
            _("Welcome, %(name)s. You sign in as %(username)s from now on.")
            % {
                "name": contact.user.first_name or contact.user.email,
                "username": contact.user.username,
            },
        )
        return HttpResponseRedirect(reverse("home"))


contact_accept = ContactAcceptView.as_view()
