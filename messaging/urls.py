from django.urls import path

from messaging import views

urlpatterns = [
    path("", views.notification_settings, name="notification_settings"),
]
