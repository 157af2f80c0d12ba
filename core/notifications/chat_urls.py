"""Pages of the chat channels, under /settings/chat-channels/."""

from django.urls import path

from . import chat_views as views

app_name = "chat"

urlpatterns = [
    path("", views.channel_list, name="channel-list"),
    path("new/", views.channel_create, name="channel-create"),
    path("<int:pk>/edit/", views.channel_edit, name="channel-edit"),
    path("<int:pk>/delete/", views.channel_delete, name="channel-delete"),
    path("<int:pk>/test/", views.channel_test, name="channel-test"),
]
