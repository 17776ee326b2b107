"""Personal access tokens: `Authorization: Bearer wasl_<association id>_<secret>`."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from associations.models import AccessToken
from associations.services import hash_secret, parse_access_token
from associations.tenancy import association_scope


class AccessTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed authorization header."))
        parsed = parse_access_token(header[1])
        if parsed is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        association_id, raw = parsed
        # The token names its association, so the lookup runs inside that association's scope.
        with association_scope(association_id):
            token = (
                AccessToken.objects.select_related("user")
                .filter(token_hash=hash_secret(raw), revoked_at=None)
                .first()
            )
            if token is None or not token.user.is_active:
                raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
            now = timezone.now()
            if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
