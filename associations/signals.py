"""Keeps what is cached about associations true: the directory's counts, and the list of a
person's associations kept in their session (selectors.memberships_of_request), which every change
of a role, or of an association, invalidates by bumping the version it is checked against."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Subquery
from django.db.models.signals import post_delete, post_save

from accounts.models import User
from associations.models import Association, Role
from associations.selectors import directory_changed
from associations.tenancy import association_scope


def _bump(users) -> None:
    users.update(memberships_version=F("memberships_version") + 1)


def role_changed(sender, instance: Role, raw: bool = False, **kwargs) -> None:
    if not raw:
        _bump(User.objects.filter(pk=instance.user_id))


def association_changed(
    sender, instance: Association, created: bool = False, raw: bool = False, **kwargs
) -> None:
    if raw:
        return
    directory_changed()  # its cached counts; again after commit, so none is recounted from before it
    transaction.on_commit(directory_changed)
    if created:
        return  # nobody holds a role in it yet
    # Its roles are tenant rows: read in its own scope (row-level security shows no other).
    with association_scope(instance):
        _bump(User.objects.filter(pk__in=Subquery(Role.objects.values("user_id"))))


def connect() -> None:
    post_save.connect(role_changed, sender=Role, dispatch_uid="wasl_memberships_role_saved")
    post_delete.connect(role_changed, sender=Role, dispatch_uid="wasl_memberships_role_deleted")
    post_save.connect(association_changed, sender=Association, dispatch_uid="wasl_memberships_association")
