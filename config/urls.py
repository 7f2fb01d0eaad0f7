from django.contrib import admin
from django.urls import include, path

from archive import views as archive_views
from assessment import views as stats_views
from backissues import views as backissue_views
from bulletin import issue_views, print_preview, views
from messaging import contact_views
from service.views import healthz, healthz_live
from submissions import urls as submission_urls
from web import converters  # noqa: F401 (registers <id:…>)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("healthz/ready", healthz, name="healthz_ready"),
    path("healthz/live", healthz_live, name="healthz_live"),
    path("editor/", views.editor_home, name="editor_home"),
    path("archive/", archive_views.archive, name="archive"),
    path("archive/year/<int:year>/", archive_views.archive, name="archive_year"),
    path("archive/<id:pk>/", archive_views.archive_issue, name="archive_issue"),
    path("archive/<id:pk>/pdf/", archive_views.archive_pdf, name="archive_pdf"),
    path("archive/<id:pk>/pdf/v<id:version>/", archive_views.archive_pdf, name="archive_pdf_version"),
    path("issues/", issue_views.issue_list, name="issue_list"),
    path("issues/new/", issue_views.issue_create, name="issue_create"),
    path("issues/import/", backissue_views.back_issue_import, name="back_issue_import"),
    path("issues/<id:pk>/", issue_views.issue_assemble, name="issue_assemble"),
    path("issues/<id:pk>/settings/", issue_views.issue_settings, name="issue_settings"),
    path("issues/<id:pk>/place/", issue_views.placement_add, name="placement_add"),
    path("issues/<id:pk>/arrange/", issue_views.issue_arrange, name="issue_arrange"),
    path("issues/<id:pk>/items/<id:placement_pk>/move/", issue_views.placement_move, name="placement_move"),
    path(
        "issues/<id:pk>/items/<id:placement_pk>/section/",
        issue_views.placement_move_to_section,
        name="placement_move_to_section",
    ),
    path(
        "issues/<id:pk>/items/<id:placement_pk>/remove/",
        issue_views.placement_remove,
        name="placement_remove",
    ),
    path("issues/<id:pk>/preview/", issue_views.issue_preview, name="issue_preview"),
    path("issues/<id:pk>/preview.pdf", issue_views.issue_preview_pdf, name="issue_preview_pdf"),
    path("print-fonts/<slug:key>", print_preview.print_font, name="print_font"),
    path("issues/<id:pk>/preview/status/", issue_views.issue_preview_status, name="issue_preview_status"),
    path("issues/<id:pk>/publish/", issue_views.issue_publish, name="issue_publish"),
    path("issues/<id:pk>/publish/<id:job_pk>/", issue_views.issue_publish_job, name="issue_publish_job"),
    path("issues/<id:pk>/correct/", issue_views.issue_correct, name="issue_correct"),
    path("issues/<id:pk>/delete/", issue_views.issue_delete, name="issue_delete"),
    path("stats/", stats_views.stats_page, name="stats"),
    path("stats/export.<str:fmt>", stats_views.stats_export, name="stats_export"),
    path("stats/unit/", stats_views.unit_stats, name="unit_stats"),
    path("stats/quotas/", stats_views.quota_page, name="quota_page"),
    path("stats/quotas/<id:pk>/end/", stats_views.quota_end, name="quota_end"),
    path("stats/instruction/<id:pk>/", stats_views.instruction_add, name="instruction_add"),
    path("stats/higher/<id:pk>/", stats_views.higher_adoption_add, name="higher_adoption_add"),
    path(
        "stats/higher/record/<id:pk>/remove/",
        stats_views.higher_adoption_remove,
        name="higher_adoption_remove",
    ),
    path("unit/", include(submission_urls.unit_patterns)),
    path("review/", include(submission_urls.review_patterns)),
    path("notifications/", include(submission_urls.notification_patterns)),
    path("notifications/settings/", include("messaging.urls")),
    path("accounts/", include("accounts.urls")),
    path("proofreading/", include("proofreading.urls")),
    path("help/", include("manual.urls")),
    path("admin/", admin.site.urls),
]

# 单位联系人: how a unit without a 报送员 account is reached (编辑 and 管理员).
urlpatterns += [
    path("units/contacts/", contact_views.unit_contact_list, name="unit_contacts"),
    path("units/<id:unit_pk>/contacts/new/", contact_views.unit_contact_create, name="unit_contact_create"),
    path("units/contacts/<id:pk>/", contact_views.unit_contact_edit, name="unit_contact_edit"),
    path("units/contacts/<id:pk>/active/", contact_views.unit_contact_active, name="unit_contact_active"),
]
