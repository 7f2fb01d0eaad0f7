from django.urls import path

from . import views

# Mounted at /proofreading/.
urlpatterns = [
    path("dismiss/", views.dismiss, name="proofreading_dismiss"),
]
