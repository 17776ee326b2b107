"""Mounted under a/<slug:association_slug>/ (config/urls.py)."""

from django.urls import path

from members import views, views_transfer

app_name = "members"

urlpatterns = [
    path("members/", views.member_list, name="list"),
    path("members/new/", views.member_create, name="create"),
    path("members/categories/", views.category_list, name="categories"),
    path("members/settings/", views.settings_view, name="settings"),
    path("members/corrections/", views.correction_list, name="corrections"),
    path(
        "members/corrections/<int:request_id>/resolve/", views.correction_resolve, name="correction_resolve"
    ),
    path("members/import/", views_transfer.import_upload, name="import"),
    path("members/import/<int:import_id>/", views_transfer.import_map, name="import_map"),
    path("members/export/", views_transfer.export, name="export"),
    path("members/cards/", views_transfer.cards_bulk, name="cards_bulk"),
    path("members/<int:member_id>/card/", views_transfer.card_issue, name="card"),
    path("members/<int:member_id>/", views.member_detail, name="detail"),
    path("members/<int:member_id>/edit/", views.member_edit, name="edit"),
    path("members/<int:member_id>/status/", views.member_status, name="status"),
    path("members/<int:member_id>/anonymise/", views.member_anonymise, name="anonymise"),
    path("members/<int:member_id>/cin/", views.member_cin, name="cin"),
    path("members/<int:member_id>/photo/", views.member_photo, name="photo"),
    path("members/<int:member_id>/photo/upload/", views.member_photo_upload, name="photo_upload"),
    path("members/<int:member_id>/claim/", views.member_claim, name="claim"),
    path("my/", views.my_membership, name="my"),
    path("my/consents/", views.my_consent, name="my_consent"),
    path("my/card.pdf", views.my_card, name="my_card"),
    path("my/corrections/", views.my_correction, name="my_correction"),
    path("my/data.json", views.my_data, {"fmt": "json"}, name="my_data_json"),
    path("my/data.pdf", views.my_data, {"fmt": "pdf"}, name="my_data_pdf"),
]
