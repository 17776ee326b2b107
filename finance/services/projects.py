"""Projects and programmes: the analytical axis set on entry lines."""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from associations.text import refuse_bidi_formatting
from finance.models import Project
from finance.services.entries import parse_amount

PROJECT_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


@transaction.atomic
def project_save(
    *,
    actor,
    code: str,
    name_ar: str,
    name_fr: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    budget=None,
    funder: str = "",
    project_id: int | None = None,
) -> Project:
    project = (
        Project() if project_id is None else Project.objects.select_for_update().filter(pk=project_id).first()
    )
    if project is None:
        raise NotFound()
    code = (code or "").strip()
    if not PROJECT_CODE.match(code):
        raise WaslError(_("A project code has 1 to 20 letters, digits, - or _."), field="code")
    if Project.objects.filter(code=code).exclude(pk=project.pk).exists():
        raise WaslError(_("Another project has this code."), field="code")
    for field, value in (("name_ar", name_ar), ("name_fr", name_fr)):
        if not (value or "").strip():
            raise WaslError(_("Give the project's name in Arabic and in French."), field=field)
        refuse_bidi_formatting(value, field=field)
    if starts_on and ends_on and ends_on < starts_on:
        raise WaslError(_("The project ends before it starts."), field="ends_on")
    project.code, project.name_ar, project.name_fr = code, name_ar.strip()[:200], name_fr.strip()[:200]
    project.starts_on, project.ends_on = starts_on, ends_on
    project.budget = parse_amount(budget, field="budget")
    project.funder = (funder or "").strip()[:200]
    created = project.pk is None
    project.save()
    audit_record(
        actor=actor,
        action="finance.project.created" if created else "finance.project.changed",
        target=project,
        changes={"code": code},
    )
    return project


@transaction.atomic
def project_archive(*, actor, project_id: int) -> Project:
    project = Project.objects.select_for_update().filter(pk=project_id).first()
    if project is None:
        raise NotFound()
    if project.archived_at is None:
        project.archived_at = timezone.now()
        project.save(update_fields=["archived_at"])
        audit_record(
            actor=actor, action="finance.project.archived", target=project, changes={"code": project.code}
        )
    return project
