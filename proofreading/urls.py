from django.urls import path

from proofreading import views

# Mounted at /proofreading/.
urlpatterns = [
    path("dismiss/", views.dismiss, name="proofreading_dismiss"),
    path("fix/", views.fix, name="proofreading_fix"),
    path("issues/<id:pk>/", views.issue_panel, name="proofreading_issue_panel"),
]
