from django.urls import path

import web.converters  # noqa: F401  (registers <id:…>)
from submissions import autosave_views, views

# Mounted at /unit/: the contributor's desk (and the shared piece pages).
unit_patterns = [
    path("", views.unit_home, name="unit_home"),
    path("new/", views.piece_create, name="piece_create"),
    path("import/", views.piece_import, name="piece_import"),
    path("import/struck/", views.piece_import_struck, name="piece_import_struck"),
    path("import/<id:pk>/", views.piece_import_job, name="piece_import_job"),
    path("import/<id:pk>/status/", views.piece_import_status, name="piece_import_status"),
    path("<id:pk>/", views.piece_detail, name="piece_detail"),
    path("<id:pk>/edit/", views.piece_edit, name="piece_edit"),
    path("<id:pk>/autosave/", autosave_views.piece_autosave, name="piece_autosave"),
    path("<id:pk>/submit/", views.piece_submit, name="piece_submit"),
    path("<id:pk>/withdraw/", views.piece_withdraw, name="piece_withdraw"),
    path("<id:pk>/sign-off/", views.piece_sign_off, name="piece_sign_off"),
    path("<id:pk>/sign-off/return/", views.piece_signoff_return, name="piece_signoff_return"),
    path("<id:pk>/delete/", views.piece_delete, name="piece_delete"),
    path("<id:pk>/restore/", views.piece_restore, name="piece_restore"),
    path("<id:pk>/comment/", views.piece_comment, name="piece_comment"),
    path("<id:pk>/versions/", views.piece_versions, name="piece_versions"),
    path("<id:pk>/source.docx", views.piece_source, name="piece_source"),
]

# Mounted at /review/: the editor's desk.
review_patterns = [
    path("", views.review_queue, name="review_queue"),
    path("<id:pk>/", views.review_detail, name="review_detail"),
    path("<id:pk>/<slug:verb>/", views.review_act, name="review_act"),
    path("commissions/", views.commission_list, name="commission_list"),
    path("commissions/<id:pk>/", views.commission_detail, name="commission_detail"),
    path("commissions/<id:pk>/cancel/", views.commission_cancel, name="commission_cancel"),
    path("commissions/<id:pk>/remind/", views.commission_remind, name="commission_remind"),
]

notification_patterns = [
    path("", views.notification_list, name="notification_list"),
    path("read/", views.notification_read_all, name="notification_read_all"),
    path("<id:pk>/open/", views.notification_open, name="notification_open"),
]
