from django.conf import settings

from associations.capabilities import CapabilityFlags
from associations.selectors import memberships_of


def workspace(request):
    """The current association, the user's capabilities there, and the association switch."""
    user = getattr(request, "user", None)
    association = getattr(request, "association", None)
    member_row = None
    if association is not None and user is not None and user.is_authenticated:
        from members.selectors import member_of_user  # the register is a module on top of this one

        member_row = member_of_user(user=user)
    return {
        "current_member_row": member_row,
        "current_association": getattr(request, "association", None),
        "current_role": getattr(request, "role", None),
        "can": getattr(request, "can", None) or CapabilityFlags(None),
        "memberships": memberships_of(user=user) if user is not None and user.is_authenticated else [],
        "wasl_languages": settings.LANGUAGES,
    }
