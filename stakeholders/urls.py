"""Pages of the stakeholders app."""

app_name = "stakeholders"

urlpatterns: list = []
