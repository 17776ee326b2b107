"""Search text of a member: names in both scripts, number, phone and e-mail, folded so that case,
Latin accents and Arabic diacritics, tatweel and letter variants do not matter."""

from associations.text import normalise_for_search


def phone_variants(e164: str) -> list[str]:
    """'+212612345678' → also '0612345678' and '612345678', the ways people type it."""
    if not e164:
        return []
    digits = e164.lstrip("+")
    variants = [e164, digits]
    if digits.startswith("212"):
        variants += ["0" + digits[3:], digits[3:]]
    return variants


def member_search_text(member) -> str:
    parts = [
        member.first_name_ar,
        member.last_name_ar,
        member.first_name_latin,
        member.last_name_latin,
        member.email,
        *phone_variants(member.phone),
    ]
    if member.number:
        parts.append(f"#{member.number}")
    return " " + normalise_for_search(" ".join(p for p in parts if p)) + " "
