"""Pages of the journeys app."""

app_name = "journeys"

urlpatterns: list = []
