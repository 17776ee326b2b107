"""Mounted under training/ (config/urls.py): the public catalogue and the training managers' pages."""

from django.urls import path

from training import views_public

app_name = "training_public"

urlpatterns = [
    path("", views_public.catalogue, name="catalogue"),
    path("c/<str:course_token>/", views_public.platform_course, name="course"),
    path("join/<slug:association_slug>/<str:invitation_token>/", views_public.join, name="join"),
    path(
        "mine/<slug:association_slug>/<str:participant_token>/",
        views_public.participant_page,
        name="participant",
    ),
    path(
        "mine/<slug:association_slug>/<str:participant_token>/certificates/<int:participant_certificate_id>.pdf",
        views_public.participant_certificate,
        name="participant_certificate",
    ),
    path("manage/", views_public.manage_list, name="manage"),
    path("manage/<int:course_id>/", views_public.manage_course, name="manage_course"),
    path("manage/<int:course_id>/content/", views_public.manage_content, name="manage_content"),
    path(
        "manage/sessions/<int:platform_session_id>/learners/",
        views_public.manage_session_learners,
        name="manage_session_learners",
    ),
    path("manage/lessons/<int:lesson_id>/", views_public.manage_lesson, name="manage_lesson"),
    path("manage/lessons/<int:lesson_id>/file", views_public.manage_lesson_file, name="manage_lesson_file"),
]
