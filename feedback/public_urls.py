"""The public survey pages: answered by customers from a link, without an account."""

from django.urls import path

from .views import public

app_name = "public-survey"

urlpatterns = [
    path("<str:token>/", public.survey_answer, name="answer"),
    path("<str:token>/thanks/", public.survey_thanks, name="thanks"),
]
