"""factory_boy factories. Tenant rows are created inside their association's scope, as the
application would; tests then run with no scope open unless they open one."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from associations.capabilities import RoleKind
from associations.models import AccessToken, Association, Invitation, Province, Region, Role, Sector
from associations.services import hash_secret
from associations.tenancy import association_scope
from associations.text import name_key, normalise_for_search

__all__ = [
    "AccessTokenFactory",
    "AssociationFactory",
    "InvitationFactory",
    "RoleFactory",
    "TenantFactory",
    "UserFactory",  # lives in accounts; re-exported for the tests that import it from here
]


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    slug = factory.Sequence(lambda n: f"association-{n}")
    name_ar = factory.Sequence(lambda n: f"جمعية رقم {n}")
    name_fr = factory.Sequence(lambda n: f"Association numéro {n}")
    acronym = factory.Sequence(lambda n: f"ASN{n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="MA-06"))
    province = factory.LazyAttribute(lambda o: Province.objects.filter(region=o.region).first())
    sector = factory.LazyFunction(lambda: Sector.objects.get(code="ICNPO-02"))
    search_text = factory.LazyAttribute(
        lambda o: normalise_for_search(f"{o.name_ar} {o.name_fr} {o.acronym}")
    )
    name_ar_key = factory.LazyAttribute(lambda o: name_key(o.name_ar))
    name_fr_key = factory.LazyAttribute(lambda o: name_key(o.name_fr))
    # Fixtures stand for associations already on the platform, onboarded and checked by operators;
    # tests of new, unverified ones pass verified_at=None.
    verified_at = factory.LazyFunction(timezone.now)


class TenantFactory(factory.django.DjangoModelFactory):
    """Creates the row inside the scope of its association."""

    class Meta:
        abstract = True

    association = factory.SubFactory(AssociationFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with association_scope(kwargs["association"]):
            return super()._create(model_class, *args, **kwargs)


class RoleFactory(TenantFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = RoleKind.PRESIDENT


class InvitationFactory(TenantFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.ma")
    kind = RoleKind.TREASURER
    token_hash = factory.Sequence(lambda n: hash_secret(f"invitation-{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class AccessTokenFactory(TenantFactory):
    class Meta:
        model = AccessToken

    user = factory.SubFactory(UserFactory)
    name = "script"
    prefix = "wasl_x"
    token_hash = factory.Sequence(lambda n: hash_secret(f"token-{n}"))
