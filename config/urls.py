"""URL map. `/a/<slug>/` is the association workspace (scope opened by middleware); `/api/v1/` the
REST API (scope opened by TenantAPIView); everything else is public or per-person."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from associations import views as association_views
from associations.seams import api_urlpatterns
from documents import views as documents_views
from finance import receipt_link_views
from members import views as members_views

# The admin logs in through allauth, so its rate limits and two-factor step apply there too.
admin.site.login = secure_admin_login(admin.site.login)

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
handler429 = "config.errors.too_many_requests"  # read by allauth's rate limits, not by Django

urlpatterns = [
    path("", include("associations.urls")),
    # Each module's workspace pages; AssociationScopeMiddleware opens the scope for all of them.
    path(
        "a/<slug:association_slug>/",
        include(
            [
                path("outbox/", include("notifications.urls")),
                path("documents/", include("documents.urls")),
                path("jobs/", include("jobs.urls")),
                path("", include("communication.urls")),
                path("finance/", include("finance.urls")),
                path("finance/", include("finance.money_urls")),
                path("finance/", include("finance.funding_urls")),
                path("finance/", include("finance.dues_urls")),
                path("training/", include("training.urls")),
                path("governance/", include("governance.urls")),
                path("resources/", include("resources.urls")),
                path("planning/", include("planning.urls")),
                path("planning/", include("planning.tracking_urls")),
                path("planning/", include("planning.output_urls")),
                path("", include("members.urls")),
            ]
        ),
    ),
    path("training/", include("training.public_urls")),
    path("ministry/", include("ministry.urls")),
    path("verify/<str:document_token>", documents_views.verify, name="verify"),
    # A payer's signed, expiring link to a receipt's PDF (the signature is the key).
    path("receipt/<str:receipt_signature>/", receipt_link_views.receipt_by_link, name="receipt_link"),
    path("join/<slug:association_slug>/", members_views.join, name="join"),
    path("p/<slug:association_slug>/", include("communication.public_urls")),
    path("me/claim/<str:token>/", members_views.claim, name="member_claim"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", association_views.healthz, name="healthz"),
    # Every module's api_urls, registered in its AppConfig.ready() (associations.seams.API_ROUTES).
    path("api/v1/", include(api_urlpatterns())),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (?script): no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/docs.html"),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]
