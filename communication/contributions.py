"""What the communication module brings to the seams (imported from CommunicationConfig.ready):
its menu entries, its part of the member portal, the public page the directory leads to, and the
sentences of its audit events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from communication import selectors
from communication.demo import seed_communication

seams.register_nav_entry(
    seams.NavEntry(
        key="communication.announcements",
        label=_("Announcements"),
        url_name="communication:announcements",
        capability="communication.view",
        order=55,
        group="manage",
    )
)
seams.register_nav_entry(
    seams.NavEntry(
        key="communication.public",
        label=_("Public page"),
        url_name="communication:posts",
        capability="communication.manage",
        order=56,
        group="manage",
    )
)
seams.register_public_page(seams.PublicPage(key="communication", url_name="public:page"))
seams.register_demo_seeder(
    seams.DemoSeeder(key="communication", seed=seed_communication, depends_on=("members",), order=40)
)


# --- Member portal ----------------------------------------------------------------------------


def _my_announcements(request) -> seams.Fragment | None:
    """/a/<slug>/my/: the announcements the person received here, newest first, read or unread."""
    received = list(selectors.my_announcements(user=request.user)[:20])
    if not received:
        return None
    return seams.Fragment("communication/_my_announcements.html", {"received": received})


def _unread_badges(request, association_ids) -> dict[int, seams.Fragment]:
    """/me/: a badge with the number of unread announcements in each association."""
    return {
        association_id: seams.Fragment("communication/_me_unread.html", {"count": count})
        for association_id, count in selectors.my_unread_counts(
            user=request.user, association_ids=association_ids
        ).items()
        if count
    }


seams.register_portal_section(
    seams.PortalSection(key="communication", inside=_my_announcements, across=_unread_badges, order=15)
)


# --- Audit sentences --------------------------------------------------------------------------

for action in (
    seams.AuditAction(
        key="communication.announcement.created",
        label=_("Announcement written"),
        sentence=_("%(actor)s wrote an announcement draft"),
    ),
    seams.AuditAction(
        key="communication.announcement.changed",
        label=_("Announcement changed"),
        sentence=_("%(actor)s changed an announcement draft"),
    ),
    seams.AuditAction(
        key="communication.announcement.deleted",
        label=_("Announcement deleted"),
        sentence=_("%(actor)s deleted an announcement draft"),
    ),
    seams.AuditAction(
        key="communication.announcement.sent",
        label=_("Announcement sent"),
        sentence=_("%(actor)s sent an announcement to members"),
        field_labels={"at": _("at"), "email": _("by e-mail"), "sms": _("by SMS")},
    ),
    seams.AuditAction(
        key="communication.announcement.scheduled",
        label=_("Announcement scheduled"),
        sentence=_("%(actor)s scheduled an announcement for %(at)s"),
        field_labels={"email": _("by e-mail"), "sms": _("by SMS")},
    ),
    seams.AuditAction(
        key="communication.announcement.unscheduled",
        label=_("Announcement put back to draft"),
        sentence=_("%(actor)s put a scheduled announcement back to draft"),
    ),
    seams.AuditAction(
        key="communication.profile.changed",
        label=_("Public page changed"),
        sentence=_("%(actor)s changed the association's public page"),
    ),
    seams.AuditAction(
        key="communication.post.created", label=_("Post written"), sentence=_("%(actor)s wrote a post draft")
    ),
    seams.AuditAction(
        key="communication.post.changed", label=_("Post changed"), sentence=_("%(actor)s changed a post")
    ),
    seams.AuditAction(
        key="communication.post.deleted", label=_("Post deleted"), sentence=_("%(actor)s deleted a post")
    ),
    seams.AuditAction(
        key="communication.post.published",
        label=_("Post published"),
        sentence=_("%(actor)s published a post on the public page"),
    ),
    seams.AuditAction(
        key="communication.post.unpublished",
        label=_("Post taken back"),
        sentence=_("%(actor)s took a post back from the public page"),
    ),
    seams.AuditAction(
        key="communication.post.photo_added",
        label=_("Photo added"),
        sentence=_("%(actor)s added a photo to a post"),
        hidden=("photo",),
    ),
    seams.AuditAction(
        key="communication.post.photo_removed",
        label=_("Photo removed"),
        sentence=_("%(actor)s removed a photo from a post"),
    ),
):
    seams.register_audit_action(action)
