"""Public pages, and the association workspace under /a/<slug:association_slug>/ (see config/urls.py)."""

from django.urls import include, path

from associations import views

app_name = "associations"

public_urlpatterns = [
    path("", views.home, name="home"),
    path("provinces/", views.province_options, name="province_options"),
    path("associations/new/", views.association_register, name="register"),
    path("me/", views.me, name="me"),
]

# Mounted under a/<slug:association_slug>/: the middleware opens the scope for all of them.
workspace_urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("settings/", views.association_settings, name="settings"),
    path("roles/", views.role_list, name="roles"),
    path("roles/invite/", views.invitation_create, name="invitation_create"),
    path("roles/<int:role_id>/change/", views.role_change, name="role_change"),
    path("roles/<int:role_id>/revoke/", views.role_revoke, name="role_revoke"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/accept/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("audit/", views.audit_log, name="audit"),
    path("invitations/<int:invitation_id>/join/", views.invitation_join, name="invitation_join"),
    path("tokens/", views.access_tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.access_token_revoke, name="token_revoke"),
]

urlpatterns = [*public_urlpatterns, path("a/<slug:association_slug>/", include(workspace_urlpatterns))]
