"""Reads for the member register.

The list uses keyset pagination (WHERE (sort key, id) > (last key, last id) … LIMIT n) rather than
OFFSET, so a late page costs what the first one does.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from associations.tenancy import cross_tenant_read
from associations.text import normalise_for_search
from members.models import CorrectionRequest, Member, MemberCategory, MemberImport, MemberStatus

SORTS = {
    "number": ("number", "id"),
    "name": ("last_name_latin", "first_name_latin", "id"),
    "-join_date": ("-join_date", "-id"),
}
PAGE_SIZE = 50


@dataclass(frozen=True)
class MemberPage:
    members: list[Member]
    next_cursor: str | None
    has_previous: bool


def _encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode()


def _decode(cursor: str) -> list | None:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    return values if isinstance(values, list) else None


def phone_prefixes(query: str) -> list[str]:
    """The E.164 prefixes a phone number typed as people type it may start ("06 12 34", "+212 6",
    "00212 6…", "612345678"): the phone column holds E.164, so a prefix is a range on its index."""
    compact = re.sub(r"[\s.()\-/]", "", query or "")
    if not re.fullmatch(r"\+?[0-9]{4,15}", compact):
        return []
    if compact.startswith("+"):
        return [compact]
    if compact.startswith("00"):
        return ["+" + compact[2:]]
    if compact.startswith("0"):
        return ["+212" + compact[1:]]  # a Moroccan national number
    if compact.startswith("212"):
        return ["+" + compact]
    return ["+212" + compact, "+" + compact]  # "612345678", or an international number without +


def _prefix_range(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as a range (>= prefix, < the next prefix): a B-tree index serves
    it under row-level security, where LIKE 'prefix%' would be a filter after the policy."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def search_words(query: str) -> list[str]:
    """The folded words of a query, longest first (the rarest usually: the database checks it
    first), without duplicates or words contained in another one."""
    words = sorted(set(normalise_for_search(query).split()), key=len, reverse=True)
    kept: list[str] = []
    for word in words:
        if not any(word in longer for longer in kept):
            kept.append(word)
    return kept


def member_search(
    *, query: str = "", status: str = "", category_id: int | None = None, can_search_cin: bool = False
) -> QuerySet[Member]:
    """Members matching a query: every word of it, in any order, in the names of either script or
    the e-mail ("alaoui amina" finds "Amina Alaoui"); a phone number by its beginning, as people
    type it; a member number; a CIN for roles allowed to see it."""
    members = Member.objects.select_related("category")
    if status:
        members = members.filter(status=status)
    if category_id:
        members = members.filter(category_id=category_id)
    query = (query or "").strip()[:200]
    if query:
        prefixes = phone_prefixes(query)
        if prefixes:
            condition = Q()
            for prefix in prefixes:
                condition |= _prefix_range("phone", prefix)
        else:
            condition = Q()
            for word in search_words(query)[:8]:
                condition &= Q(search_text__contains=word)
        if re.fullmatch(r"#?[0-9]{1,9}", query):
            condition |= Q(number=int(query.lstrip("#")))
        if can_search_cin:
            condition |= Q(cin=re.sub(r"[\s-]", "", query).upper())
        members = members.filter(condition)
    return members


RESULT_COUNT_LIMIT = 1_000  # past this, a search says "more than 1,000 members"


def member_result_count(members: QuerySet[Member], *, searched: bool) -> int:
    """How many members a filter finds. A text search is counted up to RESULT_COUNT_LIMIT + 1 (a
    broad word at 100,000 members would otherwise be checked on every row); a status or category
    alone is counted whole, on its index."""
    if searched:
        return members.order_by()[: RESULT_COUNT_LIMIT + 1].count()
    return members.order_by().count()


def member_page(members: QuerySet[Member], *, sort: str = "number", cursor: str = "") -> MemberPage:
    """One page of `members` after `cursor`, in `sort` order (NULL numbers — applicants — last)."""
    keys = SORTS.get(sort, SORTS["number"])
    fields = [key.lstrip("-") for key in keys]
    descending = keys[0].startswith("-")
    if sort == "number":
        # Applicants have no number yet: they come after the numbered members, by id (a filter on
        # applicants alone, with the default sort, used to show nothing at all).
        ordered = members.order_by(F("number").asc(nulls_last=True), "id")
    else:
        ordered = members.order_by(*keys)
    after = _decode(cursor) if cursor else None
    if after and not _valid_cursor(fields, after):
        after = None  # a tampered or stale cursor starts from the first page
    if after and sort == "number":
        ordered = ordered.filter(_after_number_condition(*after))
    elif after:
        ordered = ordered.filter(_after_condition(fields, after, descending))
    rows = list(ordered[: PAGE_SIZE + 1])
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    next_cursor = _encode([_key_value(getattr(rows[-1], f)) for f in fields]) if has_more and rows else None
    return MemberPage(members=rows, next_cursor=next_cursor, has_previous=bool(after))


def _after_number_condition(number: int | None, member_id: int) -> Q:
    """After (number, id) in (number NULLS LAST, id) order."""
    if number is None:
        return Q(number=None, id__gt=member_id)
    return Q(number__gt=number) | Q(number=number, id__gt=member_id) | Q(number=None)


def _valid_cursor(fields: list[str], values: list) -> bool:
    if len(values) != len(fields):
        return False
    for field, value in zip(fields, values, strict=True):
        if field == "number" and value is None:
            continue  # past the numbered members, among the applicants
        if field in ("number", "id"):
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
                return False
        elif field == "join_date":
            try:
                date.fromisoformat(value)
            except (TypeError, ValueError):
                return False
        elif not isinstance(value, str) or len(value) > 200:
            return False
    return True


def _key_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _after_condition(fields: list[str], values: list, descending: bool) -> Q:
    """(f1, f2, …) > (v1, v2, …) as OR-ed prefixes; usable by the (association, key, id) indexes."""
    op = "lt" if descending else "gt"
    condition = Q()
    for i, field in enumerate(fields):
        prefix = {fields[j]: values[j] for j in range(i)}
        condition |= Q(**prefix, **{f"{field}__{op}": values[i]})
    return condition


def applicants() -> QuerySet[Member]:
    return Member.objects.filter(status=MemberStatus.APPLICANT).order_by("created_at", "id")


def member_get(*, member_id: int) -> Member | None:
    return Member.objects.select_related("category", "user").filter(pk=member_id).first()


def member_detail(*, member_id: int) -> Member | None:
    """A member with what their page shows: status history and consents (three queries)."""
    return (
        Member.objects.select_related("category", "user")
        .prefetch_related("status_changes", "consents")
        .filter(pk=member_id)
        .first()
    )


def categories(*, active_only: bool = False) -> QuerySet[MemberCategory]:
    found = MemberCategory.objects.all()
    return found.filter(is_active=True) if active_only else found


def category_by_id(*, category_id: str | int | None) -> MemberCategory | None:
    """The association's category with this id (as typed in a URL or form), or None."""
    if not str(category_id or "").isdecimal() or len(str(category_id)) > 18:
        return None
    return MemberCategory.objects.filter(pk=int(category_id)).first()


def open_correction_requests() -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(status=CorrectionRequest.Status.OPEN).select_related("member")


def member_of_user(*, user) -> Member | None:
    """The current association's member row of a signed-in person."""
    if not user.is_authenticated:
        return None
    return Member.objects.select_related("category").filter(user=user, anonymised_at=None).first()


def member_of_request(request) -> Member | None:
    """`member_of_user` for the signed-in person, asked once per request (the menu and the page
    both need it)."""
    if not hasattr(request, "_wasl_member_row"):
        request._wasl_member_row = member_of_user(user=request.user)
    return request._wasl_member_row


def member_status_counts() -> dict[str, int]:
    """How many members the association has in each status (one query), in the statuses' order."""
    counts = dict(Member.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {status: counts[status] for status in MemberStatus.values if counts.get(status)}


IMPORT_REMINDER_DAYS = 30  # an upload left unfinished longer than this is no longer a "next action"


def imports_to_finish() -> QuerySet[MemberImport]:
    """Recent uploads not imported yet (mapping or check still to do), whose file is still kept."""
    since = timezone.now() - timedelta(days=IMPORT_REMINDER_DAYS)
    return (
        MemberImport.objects.exclude(status=MemberImport.Status.IMPORTED)
        .exclude(file="")
        .filter(created_at__gte=since)
    )


def member_rows_of(*, user) -> dict[int, Member]:
    """A person's member rows in every association, by association id (for /me/)."""
    if not user.is_authenticated:
        return {}
    with cross_tenant_read(reason="a person's own member rows across associations"):
        rows = list(Member.objects.select_related("category").filter(user=user, anonymised_at=None))
    return {row.association_id: row for row in rows}


def claim_association_for_token(*, raw_token: str) -> int | None:
    """The association of a member-claim link (looked up by the hash of its token)."""
    from associations.services import hash_secret
    from members.models import MemberClaim

    if not raw_token or len(raw_token) > 64:
        return None
    with cross_tenant_read(reason="a member-claim link names no association; find it by its token"):
        return (
            MemberClaim.objects.filter(token_hash=hash_secret(raw_token))
            .values_list("association_id", flat=True)
            .first()
        )


def members_for_audience() -> QuerySet[Member]:
    """Members an announcement may reach: the current association's, never an anonymised or a
    deceased one; the audience segments narrow it."""
    return Member.objects.filter(anonymised_at=None).exclude(status=MemberStatus.DECEASED)


def board_members() -> QuerySet[Member]:
    """Members whose account holds an officer role in the association (the board)."""
    from associations.capabilities import OFFICER_ROLES
    from associations.models import Role

    officers = Role.objects.filter(kind__in=OFFICER_ROLES).values("user_id")
    return members_for_audience().filter(user_id__in=officers)


@dataclass(frozen=True)
class Reach:
    """What an announcement needs of a member: where to write, in which language, and whether
    they withdrew their consent to communications (law 09-08: then nothing is sent)."""

    member_id: int
    user_id: int | None
    name: str
    email: str
    phone: str
    language: str
    withdrew: bool


def member_reach(*, member_ids) -> list[Reach]:
    """The contact facts of these members (in the current scope), in id order, in two queries.
    The language is that of their latest consent (what they read when they gave it), else Arabic."""
    from members.models import Consent, ConsentPurpose

    members = list(
        Member.objects.filter(pk__in=member_ids, anonymised_at=None)
        .order_by("pk")
        .only("pk", "user_id", "first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin",
              "number", "email", "phone")
    )  # fmt: skip
    language: dict[int, str] = {}
    given: set[int] = set()
    withdrawn: set[int] = set()
    for member_id, purpose, lang, withdrawn_at in (
        Consent.objects.filter(member_id__in=[m.pk for m in members])
        .order_by("given_at", "id")
        .values_list("member_id", "purpose", "language", "withdrawn_at")
    ):
        if lang[:2] in ("ar", "fr"):
            language[member_id] = lang[:2]
        if purpose == ConsentPurpose.COMMUNICATIONS:
            (withdrawn if withdrawn_at else given).add(member_id)
    return [
        Reach(
            member_id=m.pk,
            user_id=m.user_id,
            name=m.display_name,
            email=m.email,
            phone=m.phone,
            language=language.get(m.pk, "ar"),
            withdrew=m.pk in withdrawn and m.pk not in given,
        )
        for m in members
    ]


def join_form_open() -> bool:
    """Whether the association takes applications on its public join form (no row: closed)."""
    from members.models import MembershipSettings

    return bool(MembershipSettings.objects.values_list("join_form_open", flat=True).first())
