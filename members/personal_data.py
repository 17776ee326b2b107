"""Everything an association holds on one member, for the member (law 09-08 right of access)."""

from __future__ import annotations

from django.utils import timezone, translation

from associations.models import Association
from documents.pdf import render_pdf
from notifications.models import Message


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
                "status": m.status,
                "created_at": m.created_at,
            }
            for m in Message.objects.filter(to_address__in=addresses).order_by("-created_at")[:500]
        ],
    }


def member_data_pdf(data: dict) -> bytes:
    return render_pdf("members/pdf/my_data.html", {"data": data}, language=translation.get_language() or "ar")
