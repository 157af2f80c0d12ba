"""Pages of the import mechanism."""

app_name = "imports"

urlpatterns: list = []  # type: ignore[type-arg]
