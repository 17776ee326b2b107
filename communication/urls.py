"""Mounted under a/<slug:association_slug>/ (config/urls.py): the middleware opens the scope."""

from django.urls import path

from communication import views

app_name = "communication"

urlpatterns = [
    path("communication/announcements/", views.announcement_list, name="announcements"),
    path("communication/announcements/new/", views.announcement_create, name="announcement_create"),
    path(
        "communication/announcements/<int:announcement_id>/", views.announcement_detail, name="announcement"
    ),
    path(
        "communication/announcements/<int:announcement_id>/edit/",
        views.announcement_edit,
        name="announcement_edit",
    ),
    path(
        "communication/announcements/<int:announcement_id>/send/",
        views.announcement_send,
        name="announcement_send",
    ),
    path(
        "communication/announcements/<int:announcement_id>/unschedule/",
        views.announcement_unschedule,
        name="announcement_unschedule",
    ),
    path(
        "communication/announcements/<int:announcement_id>/delete/",
        views.announcement_delete,
        name="announcement_delete",
    ),
    path("communication/public/", views.public_settings, name="public_settings"),
    path("communication/public/logo/", views.logo_upload, name="logo_upload"),
    path("communication/public/logo/remove/", views.logo_remove, name="logo_remove"),
    path("communication/posts/", views.post_list, name="posts"),
    path("communication/posts/new/", views.post_create, name="post_create"),
    path("communication/posts/<int:post_id>/", views.post_edit, name="post_edit"),
    path("communication/posts/<int:post_id>/publish/", views.post_publish, name="post_publish"),
    path("communication/posts/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("communication/posts/<int:post_id>/photos/", views.post_photo_add, name="post_photo_add"),
    path("communication/photos/<int:photo_id>/", views.post_photo, name="post_photo"),
    path("communication/photos/<int:photo_id>/delete/", views.post_photo_delete, name="post_photo_delete"),
    path("my/announcements/<int:announcement_id>/", views.my_announcement, name="my_announcement"),
]
