"""Pages of the feedback app: complaints, ideas, recognition and My submissions."""

from django.urls import path

app_name = "feedback"

urlpatterns: list[path] = []  # type: ignore[valid-type]
