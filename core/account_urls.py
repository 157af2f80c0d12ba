"""Sign-in, sign-out and password change (Django's views, the project's templates), the account
page and the second sign-in step (core.account_views)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import account_views

urlpatterns = [
    path("", account_views.account, name="account"),
    path("two-factor/", account_views.two_factor_setup, name="two-factor"),
    path("two-factor/verify/", account_views.two_factor_verify, name="two-factor-verify"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_change.html"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
]
