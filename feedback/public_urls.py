"""The public survey pages: answered by customers from a link, without an account."""

from django.urls import path

from .views import public

app_name = "public-survey"

urlpatterns = [
    path("<str:token>/", public.survey_answer, name="answer"),
    path("<str:token>/thanks/", public.survey_thanks, name="thanks"),
    # The same, made to sit in a frame on the organisation's website (the embed snippet).
    path("<str:token>/embed/", public.survey_embed, name="embed"),
    path("<str:token>/embed/thanks/", public.survey_embed_thanks, name="embed-thanks"),
]
