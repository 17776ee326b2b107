"""The bureau register: mandates with their history, a new bureau installed by an assembly, and the
product roles that follow the register only after an officer confirms them."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from associations.capabilities import RoleKind
from associations.errors import WaslError
from associations.models import Role
from governance.models import Declaration, Mandate
from governance.services_bureau import (
    Seat,
    bureau_install,
    bureau_role_plan,
    bureau_roles_apply,
    mandate_end,
    mandate_record,
)
from governance.tests import bureau_fixtures
from governance.tests.bureau_fixtures import held_assembly, member

pytestmark = pytest.mark.django_db
board = bureau_fixtures.board


def test_a_single_office_already_held_needs_a_confirmed_replacement(board):
    actor = board.president
    first = member(actor=actor, name="Karim")
    second = member(actor=actor, name="Nadia")
    start = timezone.localdate() - timedelta(days=30)
    held = mandate_record(actor=actor, member_id=first.pk, office="treasurer", starts_on=start)
    with pytest.raises(WaslError) as refused:
        mandate_record(actor=actor, member_id=second.pk, office="treasurer", starts_on=timezone.localdate())
    assert refused.value.code == "office_held"
    assert Mandate.objects.count() == 1
    mandate_record(
        actor=actor,
        member_id=second.pk,
        office="treasurer",
        starts_on=timezone.localdate(),
        replace_holder=True,
    )
    held.refresh_from_db()
    assert held.ended_on == timezone.localdate()  # kept in the history, with its end
    assert Mandate.objects.filter(ended_on__isnull=True).get().member_id == second.pk


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"office": "emperor"}, "office"),
        ({"member_id": "999999"}, "member"),
        ({"member_id": "x"}, "member"),
        ({"ends_on": date(2000, 1, 1)}, "ends_on"),
        ({"assembly_id": "424242"}, "assembly"),
    ],
)
def test_bad_mandate_input_is_refused_and_nothing_is_recorded(board, values, field):
    actor = board.president
    someone = member(actor=actor, name="Omar")
    kwargs = {"member_id": someone.pk, "office": "adviser", "starts_on": date(2026, 1, 1), **values}
    kwargs["office"] = values.get("office", "board_member")
    with pytest.raises(WaslError) as refused:
        mandate_record(actor=actor, **kwargs)
    assert refused.value.field == field
    assert Mandate.objects.count() == 0


def test_a_mandate_ends_with_a_reason_and_not_in_the_future(board):
    actor = board.president
    mandate = mandate_record(
        actor=actor, member_id=member(actor=actor, name="Ali").pk, office="deputy", starts_on=date(2026, 1, 1)
    )
    with pytest.raises(WaslError):
        mandate_end(actor=actor, mandate_id=mandate.pk, ended_on=date(2026, 2, 1), reason=" ")
    with pytest.raises(WaslError):
        mandate_end(
            actor=actor, mandate_id=mandate.pk, ended_on=timezone.localdate() + timedelta(days=3), reason="x"
        )
    mandate_end(actor=actor, mandate_id=mandate.pk, ended_on=date(2026, 2, 1), reason="Démission")
    mandate.refresh_from_db()
    assert (mandate.ended_on, mandate.end_reason) == (date(2026, 2, 1), "Démission")


def test_a_new_bureau_ends_the_old_one_and_opens_its_declaration(board):
    actor = board.president
    old = member(actor=actor, name="Old")
    mandate_record(actor=actor, member_id=old.pk, office="president", starts_on=date(2024, 1, 1))
    assembly = held_assembly(actor=actor)
    new_president, new_treasurer = member(actor=actor, name="Pres"), member(actor=actor, name="Treas")
    start = timezone.localdate() - timedelta(days=2)
    bureau_install(
        actor=actor,
        assembly_id=assembly.pk,
        seats=[Seat(new_president.pk, "president"), Seat(new_treasurer.pk, "treasurer")],
        starts_on=start,
    )
    assert set(Mandate.objects.filter(ended_on__isnull=True).values_list("member_id", flat=True)) == {
        new_president.pk,
        new_treasurer.pk,
    }
    assert Mandate.objects.get(member=old).ended_on == start
    declaration = Declaration.objects.get()
    assert (declaration.kind, declaration.assembly_id, declaration.changed_on) == (
        "bureau",
        assembly.pk,
        start,
    )
    assert declaration.due_on.month == (start.month % 12) + 1


@pytest.mark.parametrize(
    "seats",
    [
        [],
        [("a", "treasurer")],  # no president
        [("a", "president"), ("b", "president")],
        [("a", "president"), ("a", "treasurer")],  # one member, two offices
    ],
)
def test_a_bureau_that_breaks_the_rules_is_refused_whole(board, seats):
    actor = board.president
    people = {"a": member(actor=actor, name="A"), "b": member(actor=actor, name="B")}
    assembly = held_assembly(actor=actor)
    with pytest.raises(WaslError):
        bureau_install(
            actor=actor,
            assembly_id=assembly.pk,
            seats=[Seat(people[key].pk, office) for key, office in seats],
            starts_on=timezone.localdate(),
        )
    assert Mandate.objects.count() == 0
    assert Declaration.objects.count() == 0


def test_roles_follow_the_register_only_when_the_shown_plan_is_confirmed(board):
    """The new treasurer gets the treasurer role and the old treasurer goes back to member."""
    actor = board.president
    old_treasurer = member(actor=actor, name="OldT", user=board.treasurer)
    president = member(actor=actor, name="Pres", user=board.president)
    new_treasurer = member(actor=actor, name="NewT", user=board.member)  # holds the "member" role
    mandate_record(actor=actor, member_id=old_treasurer.pk, office="treasurer", starts_on=date(2024, 1, 1))
    assembly = held_assembly(actor=actor)
    bureau_install(
        actor=actor,
        assembly_id=assembly.pk,
        seats=[Seat(president.pk, "president"), Seat(new_treasurer.pk, "treasurer")],
        starts_on=timezone.localdate(),
    )
    # Nothing changed yet: roles change only on confirmation.
    assert Role.objects.get(user=board.treasurer).kind == RoleKind.TREASURER
    assert Role.objects.get(user=board.member).kind == RoleKind.MEMBER
    plan = bureau_role_plan()
    assert {(s.action, s.user_id, s.to_kind) for s in plan.changes} == {
        ("change", board.member.pk, RoleKind.TREASURER),
        ("demote", board.treasurer.pk, RoleKind.MEMBER),
    }
    with pytest.raises(WaslError) as stale:
        bureau_roles_apply(actor=actor, digest="not-what-was-shown")
    assert stale.value.code == "stale"
    assert Role.objects.get(user=board.member).kind == RoleKind.MEMBER
    assert bureau_roles_apply(actor=actor, digest=plan.digest) == 2
    assert Role.objects.get(user=board.member).kind == RoleKind.TREASURER
    assert Role.objects.get(user=board.treasurer).kind == RoleKind.MEMBER
    assert Role.objects.get(user=board.president).kind == RoleKind.PRESIDENT
    assert bureau_role_plan().changes == []


def test_an_officer_without_an_account_is_listed_to_invite_and_the_old_president_stays(board):
    actor = board.president
    old = member(actor=actor, name="OldP", user=board.president)
    mandate_record(actor=actor, member_id=old.pk, office="president", starts_on=date(2024, 1, 1))
    newcomer = member(actor=actor, name="NoAccount")
    bureau_install(
        actor=actor,
        assembly_id=held_assembly(actor=actor).pk,
        seats=[Seat(newcomer.pk, "president")],
        starts_on=timezone.localdate(),
    )
    plan = bureau_role_plan()
    assert [s.action for s in plan.steps] == ["keep", "invite"]
    assert plan.changes == []  # the association keeps a president in Wasl
