"""Seed the books of every new association (the tenant core does not know finance exists: it
only saves an Association; this receiver, connected when finance is installed, does the rest)."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from associations.models import Association
from associations.tenancy import association_scope
from finance.seeding import seed_books


@receiver(post_save, sender=Association, dispatch_uid="finance.seed_books")
def seed_books_of_new_association(sender, instance: Association, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    with association_scope(instance):
        seed_books(instance, get_model=apps.get_model, today=timezone.localdate())
