from django.urls import path

from . import views

# Mounted at /unit/: the contributor's desk (and the shared piece pages).
unit_patterns = [
    path("", views.unit_home, name="unit_home"),
    path("new/", views.piece_create, name="piece_create"),
    path("import/", views.piece_import, name="piece_import"),
    path("<int:pk>/", views.piece_detail, name="piece_detail"),
    path("<int:pk>/edit/", views.piece_edit, name="piece_edit"),
    path("<int:pk>/submit/", views.piece_submit, name="piece_submit"),
    path("<int:pk>/withdraw/", views.piece_withdraw, name="piece_withdraw"),
    path("<int:pk>/sign-off/", views.piece_sign_off, name="piece_sign_off"),
    path("<int:pk>/sign-off/return/", views.piece_signoff_return, name="piece_signoff_return"),
    path("<int:pk>/delete/", views.piece_delete, name="piece_delete"),
    path("<int:pk>/restore/", views.piece_restore, name="piece_restore"),
    path("<int:pk>/comment/", views.piece_comment, name="piece_comment"),
    path("<int:pk>/versions/", views.piece_versions, name="piece_versions"),
    path("<int:pk>/source.docx", views.piece_source, name="piece_source"),
]

# Mounted at /review/: the editor's desk.
review_patterns = [
    path("", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.review_detail, name="review_detail"),
    path("<int:pk>/<slug:verb>/", views.review_act, name="review_act"),
    path("commissions/", views.commission_list, name="commission_list"),
    path("commissions/<int:pk>/", views.commission_detail, name="commission_detail"),
    path("commissions/<int:pk>/cancel/", views.commission_cancel, name="commission_cancel"),
    path("commissions/<int:pk>/remind/", views.commission_remind, name="commission_remind"),
]

notification_patterns = [
    path("", views.notification_list, name="notification_list"),
]
