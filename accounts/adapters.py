from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from accounts.crypto import secret_decrypt, secret_encrypt


class AccountAdapter(DefaultAccountAdapter):
    """Hook point for account flows; e-mails go out in the user's active language by default."""

    def get_login_redirect_url(self, request):
        next_url = request.GET.get("next") or request.POST.get("next")
        if next_url and self.is_safe_url(next_url):
            return next_url
        return super().get_login_redirect_url(request)


class MFAAdapter(DefaultMFAAdapter):
    """TOTP keys and recovery-code seeds are stored encrypted (accounts/crypto.py); allauth calls
    these two hooks on every write and read of them."""

    def encrypt(self, text: str) -> str:
        return secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secret_decrypt(encrypted_text)
