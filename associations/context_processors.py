from django.conf import settings
from django.utils.functional import SimpleLazyObject

from associations import seams
from associations.capabilities import CapabilityFlags
from associations.selectors import memberships_of_request


def workspace(request):
    """The current association, the user's capabilities there, its menu and the association switch."""
    user = getattr(request, "user", None)
    links = SimpleLazyObject(lambda: seams.nav_links(request))
    return {
        "current_association": getattr(request, "association", None),
        "current_role": getattr(request, "role", None),
        "can": getattr(request, "can", None) or CapabilityFlags(None),
        # The menu the modules registered; computed only when a page renders it (not for partials).
        "workspace_nav": links,
        "workspace_groups": SimpleLazyObject(lambda: seams.nav_groups(request, links=links)),
        "memberships": memberships_of_request(request) if user is not None and user.is_authenticated else [],
        "wasl_languages": settings.LANGUAGES,
    }
