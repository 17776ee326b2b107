from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Hook point for account flows; e-mails go out in the user's active language by default."""

    def get_login_redirect_url(self, request):
        next_url = request.GET.get("next") or request.POST.get("next")
        if next_url and self.is_safe_url(next_url):
            return next_url
        return super().get_login_redirect_url(request)
