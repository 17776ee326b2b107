"""Everything an association holds on one member, for the member (law 09-08 right of access).

`member_data` is the machine-readable copy (JSON: codes and ISO dates, as stored). The PDF is the
same data for a person to read: labelled in the member's language, statuses and purposes in words,
dates and phone numbers written as on the pages, each value isolated in its own direction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from associations.formatting import format_phone, text_direction
from associations.models import Association
from documents.pdf import render_pdf
from members.models import ConsentPurpose, CorrectionRequest, Gender, Member, MemberStatus
from notifications.models import Channel, Message
from notifications.services import message_subject


def member_data(member) -> dict:
    association = Association.objects.get(pk=member.association_id)
    addresses = [a for a in (member.email, member.phone) if a]
    return {
        "association": {"name_ar": association.name_ar, "name_fr": association.name_fr},
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "member": {
            "number": member.number,
            "first_name_ar": member.first_name_ar,
            "last_name_ar": member.last_name_ar,
            "first_name_latin": member.first_name_latin,
            "last_name_latin": member.last_name_latin,
            "gender": member.gender,
            "birth_date": member.birth_date,
            "birth_place": member.birth_place,
            "nationality": member.nationality,
            "cin": member.cin,
            "phone": member.phone,
            "email": member.email,
            "address": member.address,
            "profession": member.profession,
            "category": str(member.category) if member.category else "",
            "join_date": member.join_date,
            "status": member.status,
            "status_since": member.status_since,
            "has_photo": bool(member.photo),
        },
        "status_history": [
            {
                "from": c.from_status,
                "to": c.to_status,
                "on": c.effective_on,
                "reason": c.reason,
                "decision": c.decision_reference,
            }
            for c in member.status_changes.all()
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "wording": c.wording,
                "given_at": c.given_at,
                "withdrawn_at": c.withdrawn_at,
            }
            for c in member.consents.all()
        ],
        "correction_requests": [
            {"message": r.message, "status": r.status, "response": r.response, "created_at": r.created_at}
            for r in member.correction_requests.all()
        ],
        "messages_sent": [
            {
                "channel": m.channel,
                "to": m.to_address,
                "template": m.template_key,
                # What it was about, in the language it was sent in.
                "subject": message_subject(m),
                "status": m.status,
                "created_at": m.created_at,
            }
            for m in Message.objects.filter(to_address__in=addresses).order_by("-created_at")[:500]
        ],
    }


# --- The PDF --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One value as the PDF prints it: its text and its direction (WeasyPrint has no dir="auto")."""

    text: str
    dir: str

    def __str__(self) -> str:
        return self.text


def _shown(value, *, ltr: bool = False) -> Shown:
    if value is None or value == "":
        return Shown("—", "ltr")
    if isinstance(value, bool):
        text = _("yes") if value else _("no")
    elif isinstance(value, datetime.datetime):
        text = formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    elif isinstance(value, datetime.date):
        text = formats.date_format(value, "DATE_FORMAT")
    else:
        text = str(value)
    return Shown(text, "ltr" if ltr else text_direction(text))


def _instant(value) -> datetime.datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value


def _label(field: str) -> str:
    return capfirst(str(Member._meta.get_field(field).verbose_name))


def _word(choices, code) -> str:
    return str(dict(choices).get(code, code)) if code else ""


def personal_data_document(data: dict) -> dict:
    """`member_data(...)` as a person reads it, in the active language."""
    member = data["member"]
    rows = [
        (_label("number"), _shown(member["number"], ltr=True)),
        (_label("first_name_ar"), _shown(member["first_name_ar"])),
        (_label("last_name_ar"), _shown(member["last_name_ar"])),
        (_label("first_name_latin"), _shown(member["first_name_latin"])),
        (_label("last_name_latin"), _shown(member["last_name_latin"])),
        (_label("gender"), _shown(_word(Gender.choices, member["gender"]))),
        (_label("birth_date"), _shown(member["birth_date"])),
        (_label("birth_place"), _shown(member["birth_place"])),
        (_label("nationality"), _shown(member["nationality"])),
        (_label("cin"), _shown(member["cin"], ltr=True)),
        (_label("phone"), _shown(format_phone(member["phone"]), ltr=True)),
        (_label("email"), _shown(member["email"], ltr=True)),
        (_label("address"), _shown(member["address"])),
        (_label("profession"), _shown(member["profession"])),
        (_label("category"), _shown(member["category"])),
        (_label("join_date"), _shown(member["join_date"])),
        (_label("status"), _shown(_word(MemberStatus.choices, member["status"]))),
        (_("Status since"), _shown(member["status_since"])),
        (_("Photo on record"), _shown(member["has_photo"])),
    ]
    exported_at = _shown(_instant(data["exported_at"]))
    return {
        "association": data["association"],
        "exported_at": format_html('<bdi dir="{}">{}</bdi>', exported_at.dir, exported_at.text),
        "member_rows": rows,
        "status_history": [
            {
                "on": _shown(change["on"]),
                "change": _shown(
                    _("from %(before)s to %(after)s")
                    % {
                        "before": _word(MemberStatus.choices, change["from"]) or "—",
                        "after": _word(MemberStatus.choices, change["to"]),
                    }
                    if change["from"]
                    else _word(MemberStatus.choices, change["to"])
                ),
                "reason": _shown(change["reason"]),
                "decision": _shown(change["decision"], ltr=True),
            }
            for change in data["status_history"]
        ],
        "consents": [
            {
                "purpose": _shown(_word(ConsentPurpose.choices, consent["purpose"])),
                "wording": _shown(consent["wording"]),
                "given_at": _shown(consent["given_at"]),
                "withdrawn_at": _shown(consent["withdrawn_at"]),
            }
            for consent in data["consents"]
        ],
        "correction_requests": [
            {
                "created_at": _shown(request["created_at"]),
                "message": _shown(request["message"]),
                "status": _shown(_word(CorrectionRequest.Status.choices, request["status"])),
                "response": _shown(request["response"]),
            }
            for request in data["correction_requests"]
        ],
        "messages_sent": [
            {
                "created_at": _shown(message["created_at"]),
                "channel": _shown(_word(Channel.choices, message["channel"])),
                "to": _shown(
                    format_phone(message["to"]) if message["channel"] == Channel.SMS else message["to"],
                    ltr=True,
                ),
                "subject": _shown(message.get("subject") or _("Message from the association")),
                "status": _shown(_word(Message.Status.choices, message["status"])),
            }
            for message in data["messages_sent"]
        ],
    }


def member_data_pdf(data: dict) -> bytes:
    language = translation.get_language() or "ar"
    with translation.override(language):
        document = personal_data_document(data)
    return render_pdf("members/pdf/my_data.html", {"doc": document}, language=language)
