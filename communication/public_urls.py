"""The public page of each association, mounted at p/<slug:association_slug>/ (config/urls.py)."""

from django.urls import path

from communication import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.public_page, name="page"),
    path("logo.png", public_views.public_logo, name="logo"),
    path("news/<int:post_id>/", public_views.public_post, name="post"),
    path("photos/<int:photo_id>.jpg", public_views.public_photo, name="photo"),
]
