from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("editor/", views.editor_home, name="editor_home"),
    path("archive/", views.archive, name="archive"),
    path("unit/", include("submissions.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
