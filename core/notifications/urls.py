"""Pages of the notification centre, under /notifications/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("read/", views.notification_read_all, name="notifications-mark-all-read"),
    path("<int:pk>/open/", views.notification_open, name="notification-open"),
    path("<int:pk>/read/", views.notification_read, name="notification-mark-read"),
]
