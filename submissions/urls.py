from django.urls import path

from . import views

urlpatterns = [
    path("", views.unit_home, name="unit_home"),
]
