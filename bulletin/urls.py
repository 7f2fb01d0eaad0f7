from django.contrib import admin
from django.urls import include, path

from service.views import healthz
from submissions import urls as submission_urls

from . import archive_views, issue_views, print_preview, stats_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("editor/", views.editor_home, name="editor_home"),
    path("archive/", archive_views.archive, name="archive"),
    path("archive/year/<int:year>/", archive_views.archive, name="archive_year"),
    path("archive/<int:pk>/", archive_views.archive_issue, name="archive_issue"),
    path("archive/<int:pk>/pdf/", archive_views.archive_pdf, name="archive_pdf"),
    path("archive/<int:pk>/pdf/v<int:version>/", archive_views.archive_pdf, name="archive_pdf_version"),
    path("issues/", issue_views.issue_list, name="issue_list"),
    path("issues/new/", issue_views.issue_create, name="issue_create"),
    path("issues/import/", issue_views.back_issue_import, name="back_issue_import"),
    path("issues/<int:pk>/", issue_views.issue_assemble, name="issue_assemble"),
    path("issues/<int:pk>/settings/", issue_views.issue_settings, name="issue_settings"),
    path("issues/<int:pk>/place/", issue_views.placement_add, name="placement_add"),
    path("issues/<int:pk>/arrange/", issue_views.issue_arrange, name="issue_arrange"),
    path("issues/<int:pk>/items/<int:placement_pk>/move/", issue_views.placement_move, name="placement_move"),
    path(
        "issues/<int:pk>/items/<int:placement_pk>/section/",
        issue_views.placement_move_to_section,
        name="placement_move_to_section",
    ),
    path(
        "issues/<int:pk>/items/<int:placement_pk>/remove/",
        issue_views.placement_remove,
        name="placement_remove",
    ),
    path("issues/<int:pk>/preview/", issue_views.issue_preview, name="issue_preview"),
    path("issues/<int:pk>/preview.pdf", issue_views.issue_preview_pdf, name="issue_preview_pdf"),
    path("print-fonts/<slug:key>", print_preview.print_font, name="print_font"),
    path("issues/<int:pk>/preview/status/", issue_views.issue_preview_status, name="issue_preview_status"),
    path("issues/<int:pk>/publish/", issue_views.issue_publish, name="issue_publish"),
    path("issues/<int:pk>/publish/<int:job_pk>/", issue_views.issue_publish_job, name="issue_publish_job"),
    path("issues/<int:pk>/correct/", issue_views.issue_correct, name="issue_correct"),
    path("issues/<int:pk>/delete/", issue_views.issue_delete, name="issue_delete"),
    path("stats/", stats_views.stats_page, name="stats"),
    path("stats/export.<str:fmt>", stats_views.stats_export, name="stats_export"),
    path("stats/unit/", stats_views.unit_stats, name="unit_stats"),
    path("stats/quotas/", stats_views.quota_page, name="quota_page"),
    path("stats/quotas/<int:pk>/end/", stats_views.quota_end, name="quota_end"),
    path("stats/instruction/<int:pk>/", stats_views.instruction_add, name="instruction_add"),
    path("stats/higher/<int:pk>/", stats_views.higher_adoption_add, name="higher_adoption_add"),
    path(
        "stats/higher/record/<int:pk>/remove/",
        stats_views.higher_adoption_remove,
        name="higher_adoption_remove",
    ),
    path("unit/", include(submission_urls.unit_patterns)),
    path("review/", include(submission_urls.review_patterns)),
    path("notifications/", include(submission_urls.notification_patterns)),
    path("accounts/", include("accounts.urls")),
    path("proofreading/", include("proofreading.urls")),
    path("admin/", admin.site.urls),
]
