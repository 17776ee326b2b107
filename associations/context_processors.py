from django.conf import settings

from associations.capabilities import CapabilityFlags
from associations.selectors import memberships_of


def workspace(request):
    """The current association, the user's capabilities there, and the association switch."""
    user = getattr(request, "user", None)
    return {
        "current_association": getattr(request, "association", None),
        "current_role": getattr(request, "role", None),
        "can": getattr(request, "can", None) or CapabilityFlags(None),
        "memberships": memberships_of(user=user) if user is not None and user.is_authenticated else [],
        "wasl_languages": settings.LANGUAGES,
    }
