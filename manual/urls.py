"""The 帮助 pages: /help/, /help/<role>/, /help/images/<name>."""

from django.urls import path

from manual import views

urlpatterns = [
    path("", views.help_index, name="help_index"),
    path("images/<str:name>", views.help_image, name="help_image"),
    path("<slug:role>/", views.help_page, name="help_page"),
]
