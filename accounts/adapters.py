import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib.sites.requests import RequestSite
from django.utils.translation import gettext as _

from accounts.crypto import secret_decrypt, secret_encrypt


class WaslSite(RequestSite):
    """allauth's e-mails greet "from {{ current_site.name }}": without django.contrib.sites that is
    the request's host ("127.0.0.1:8101"). The product's name instead; the domain stays the host
    the person uses, so that links follow it."""

    def __init__(self, request):
        super().__init__(request)
        self.name = _("Wasl")


class AccountAdapter(DefaultAccountAdapter):
    """Hook point for account flows; e-mails go out in the user's active language by default."""

    def send_mail(self, template_prefix: str, email: str, context_data: dict) -> None:
        request = context.request
        if request is not None:
            context_data = {"current_site": WaslSite(request), **context_data}
        super().send_mail(template_prefix, email, context_data)

    def format_email_subject(self, subject: str) -> str:
        if account_settings.EMAIL_SUBJECT_PREFIX is not None:
            return super().format_email_subject(subject)
        return f"[{_('Wasl')}] {subject}"

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up a first second factor right after logging in does not ask for the password
        again. Officers must set up two-factor login before anything else (accounts.middleware);
        allauth counts only explicit reauthentications as recent, so the set-up opened with a
        second password prompt a few seconds after the first. A login within the reauthentication
        timeout proves as much. Everything else (a second device, recovery codes, removing a
        device, e-mail changes) still asks, as allauth decides."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        user = getattr(request, "user", None)
        if app != "allauth.mfa" or user is None or not user.is_authenticated:
            return True
        if Authenticator.objects.filter(user=user).exists():
            return True
        logins = [
            record
            for record in get_authentication_records(request, user)
            if record.get("method") in account_settings.REAUTHENTICATION_METHODS
        ]
        return not logins or time.time() - logins[-1]["at"] >= account_settings.REAUTHENTICATION_TIMEOUT


class MFAAdapter(DefaultMFAAdapter):
    """TOTP keys and recovery-code seeds are stored encrypted (accounts/crypto.py); allauth calls
    these two hooks on every write and read of them."""

    def encrypt(self, text: str) -> str:
        return secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secret_decrypt(encrypted_text)
