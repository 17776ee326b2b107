"""OpenAPI description of Wasl's authentication (imported once, from AssociationsConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class AccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "associations.api_auth.AccessTokenAuthentication"
    name = "accessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Personal access token `wasl_<association id>_<secret>`, "
            "valid in one association.",
        }
