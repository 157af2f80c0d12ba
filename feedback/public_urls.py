"""The public survey pages: answered by customers from a link, without an account."""

app_name = "public-survey"

urlpatterns: list = []  # type: ignore[type-arg]
