"""Statute rules, convocation and notice, the door, proxies and the quorum."""

from __future__ import annotations

import datetime

import pytest

from associations.errors import NotFound, WaslError
from associations.tenancy import association_scope
from governance import selectors, services
from governance.models import Assembly, AssemblyStatus, Attendance, Proxy, StatuteRules
from governance.tests.conftest import build_hall, convened_assembly, in_days, open_assembly
from notifications.models import Message

pytestmark = pytest.mark.django_db


def test_rules_are_versioned_and_an_assembly_keeps_the_version_of_its_convocation(hall):
    with association_scope(hall.association):
        assembly = convened_assembly(hall)
        assert assembly.rules.version == 1  # the defaults became version 1 at convocation
        v2 = services.statute_rules_adopt(actor=hall.president, values={"proxies_per_holder": 3})
        assert v2.version == 2 and v2.proxies_per_holder == 3
        assert v2.notice_days_ordinary == 15  # carried over from version 1
        assembly.refresh_from_db()
        assert selectors.rules_for(assembly).version == 1
        assert selectors.rules_for(assembly).proxies_per_holder == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"bureau_composition": {"emperor": 1}}, "bureau_composition"),
        ({"bureau_composition": {"president": -1}}, "bureau_composition"),
        ({"quorum_first_call": "9/10"}, "quorum_first_call"),
        ({"proxies_per_holder": 0}, "proxies_per_holder"),
        ({"quorum_first_call": "none", "quorum_second_call": "1/4"}, "quorum_second_call"),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_recorded(hall, values, field):
    with association_scope(hall.association):
        with pytest.raises(WaslError) as error:
            services.statute_rules_adopt(actor=hall.president, values=values)
        assert error.value.field == field
        assert StatuteRules.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "days", "allowed"),
    [
        ("ordinary", 15, True),
        ("ordinary", 14, False),
        ("extraordinary", 14, False),
        ("board", 3, True),
        ("board", 2, False),
        ("constitutive", 0, True),
    ],
)
def test_notice_period(hall, kind, days, allowed):
    with association_scope(hall.association):
        assembly = services.assembly_create(
            actor=hall.president, values={"kind": kind, "title": "AG", "first_call_at": in_days(days)}
        )
        services.agenda_item_add(
            actor=hall.president, assembly_id=assembly.pk, kind="information", title="Report"
        )
        if allowed:
            services.assembly_convene(actor=hall.president, assembly_id=assembly.pk)
            assert Assembly.objects.get(pk=assembly.pk).status == AssemblyStatus.CONVENED
        else:
            with pytest.raises(WaslError) as error:
                services.assembly_convene(actor=hall.president, assembly_id=assembly.pk)
            assert error.value.code == "notice"
            assembly.refresh_from_db()
            assert assembly.status == AssemblyStatus.DRAFT and assembly.rules_id is None
            assert not Message.objects.filter(template_key=services.CONVOCATION_TEMPLATE).exists()


def test_convocation_goes_to_every_member_by_email_else_sms(hall):
    with association_scope(hall.association):
        assembly = convened_assembly(hall)
        messages = Message.objects.filter(template_key=services.CONVOCATION_TEMPLATE)
        assert messages.count() == 10  # every member has an e-mail address or a phone
        assert messages.filter(channel="email").count() == 5
        assert messages.filter(channel="sms").count() == 5
        assert assembly.second_call_at == assembly.first_call_at + datetime.timedelta(minutes=30)
        # Convening twice is refused and queues nothing more.
        with pytest.raises(WaslError):
            services.assembly_convene(actor=hall.president, assembly_id=assembly.pk)
        assert messages.count() == 10


def test_convening_needs_an_agenda(hall):
    with association_scope(hall.association):
        assembly = services.assembly_create(
            actor=hall.president, values={"title": "AG", "first_call_at": in_days(20)}
        )
        with pytest.raises(WaslError) as error:
            services.assembly_convene(actor=hall.president, assembly_id=assembly.pk)
        assert error.value.code == "no_agenda"


def test_members_reply_to_the_convocation(hall):
    with association_scope(hall.association):
        assembly = convened_assembly(hall)
        services.convocation_reply(member=hall.members[0], assembly_id=assembly.pk, answer="yes")
        services.convocation_reply(member=hall.members[0], assembly_id=assembly.pk, answer="no")
        services.convocation_reply(member=hall.members[1], assembly_id=assembly.pk, answer="maybe")
        assert selectors.reply_counts(assembly) == {"no": 1, "maybe": 1}
        with pytest.raises(WaslError):
            services.convocation_reply(member=hall.members[1], assembly_id=assembly.pk, answer="perhaps")


def test_check_in_twice_is_not_an_error_and_counts_once(hall):
    with association_scope(hall.association):
        assembly = open_assembly(hall, present=0)
        _first, created = services.attendance_check_in(
            actor=hall.president, assembly_id=assembly.pk, member_id=hall.members[0].pk
        )
        _again, created_again = services.attendance_check_in(
            actor=hall.president, assembly_id=assembly.pk, member_id=hall.members[0].pk
        )
        assert created and not created_again
        assert Attendance.objects.filter(assembly=assembly).count() == 1


def test_another_associations_member_cannot_be_checked_in(hall):
    other = build_hall("other", members=1)
    with association_scope(other.association):
        stranger = other.members[0].pk
    with association_scope(hall.association):
        assembly = open_assembly(hall, present=0)
        with pytest.raises(WaslError):
            services.attendance_check_in(actor=hall.president, assembly_id=assembly.pk, member_id=stranger)
        assert not Attendance.objects.exists()


def test_the_door_search_finds_names_in_both_scripts(hall):
    with association_scope(hall.association):
        assembly = open_assembly(hall, present=1)
        found = selectors.checkin_candidates(assembly, query="membre2")
        assert [m.number for m in found] == [2]
        found = selectors.checkin_candidates(assembly, query="رقم1")
        assert 1 in [m.number for m in found] and next(m for m in found if m.number == 1).already_in


def test_quorum_counts_present_and_represented_and_second_call(hall):
    with association_scope(hall.association):
        assembly = open_assembly(hall, present=4)  # 4 of 10: first call needs more than half
        services.proxy_record(
            actor=hall.president,
            assembly_id=assembly.pk,
            grantor_id=hall.members[9].pk,
            holder_id=hall.members[0].pk,
        )
        status = selectors.quorum_status(assembly)
        assert (status.present, status.represented, status.members, status.needed) == (4, 1, 10, 6)
        assert not status.reached
        with pytest.raises(WaslError) as error:  # too early for the second call
            services.second_call_open(actor=hall.president, assembly_id=assembly.pk, now=in_days(0, 9))
        assert error.value.code == "too_early"
        services.second_call_open(actor=hall.president, assembly_id=assembly.pk, now=in_days(0, 10))
        assembly.refresh_from_db()
        assert assembly.current_call == 2
        assert (assembly.quorum_first_present, assembly.quorum_first_members) == (5, 10)
        assert assembly.quorum_first_reached is False
        assert selectors.quorum_status(assembly).reached  # the second call needs no quorum by default


def test_proxies_beyond_the_cap_are_refused(hall):
    with association_scope(hall.association):
        services.statute_rules_adopt(actor=hall.president, values={"proxies_per_holder": 2})
        assembly = open_assembly(hall, present=2)
        holder = hall.members[0].pk
        for grantor in hall.members[5:7]:
            services.proxy_record(
                actor=hall.president, assembly_id=assembly.pk, grantor_id=grantor.pk, holder_id=holder
            )
        with pytest.raises(WaslError) as error:
            services.proxy_record(
                actor=hall.president, assembly_id=assembly.pk, grantor_id=hall.members[7].pk, holder_id=holder
            )
        assert error.value.code == "proxy_cap"
        assert Proxy.objects.filter(assembly=assembly).count() == 2


@pytest.mark.parametrize(
    ("grantor", "holder", "field"),
    [
        (5, 5, "holder"),  # to oneself
        (5, 8, "holder"),  # the holder is not in the room
        (1, 0, "grantor"),  # the grantor is in the room
    ],
)
def test_bad_proxies_are_refused(hall, grantor, holder, field):
    with association_scope(hall.association):
        assembly = open_assembly(hall, present=2)
        with pytest.raises(WaslError) as error:
            services.proxy_record(
                actor=hall.president,
                assembly_id=assembly.pk,
                grantor_id=hall.members[grantor].pk,
                holder_id=hall.members[holder].pk,
            )
        assert error.value.field == field
        assert not Proxy.objects.exists()


def test_proxies_refused_when_the_statutes_forbid_them(hall):
    with association_scope(hall.association):
        services.statute_rules_adopt(actor=hall.president, values={"proxies_allowed": False})
        assembly = open_assembly(hall, present=1)
        with pytest.raises(WaslError) as error:
            services.proxy_record(
                actor=hall.president,
                assembly_id=assembly.pk,
                grantor_id=hall.members[5].pk,
                holder_id=hall.members[0].pk,
            )
        assert error.value.code == "no_proxies"


def test_a_grantor_who_comes_votes_in_person(hall):
    with association_scope(hall.association):
        assembly = open_assembly(hall, present=1)
        services.proxy_record(
            actor=hall.president,
            assembly_id=assembly.pk,
            grantor_id=hall.members[5].pk,
            holder_id=hall.members[0].pk,
        )
        services.attendance_check_in(
            actor=hall.president, assembly_id=assembly.pk, member_id=hall.members[5].pk
        )
        assert not Proxy.objects.exists()


def test_an_assembly_of_another_association_is_not_found(hall):
    other = build_hall("other", members=1)
    with association_scope(other.association):
        foreign = convened_assembly(other)
    with association_scope(hall.association):
        with pytest.raises(NotFound):
            services.assembly_open(actor=hall.president, assembly_id=foreign.pk)
        with pytest.raises(NotFound):
            services.attendance_check_in(
                actor=hall.president, assembly_id=foreign.pk, member_id=hall.members[0].pk
            )
