"""Governance pages (/a/<slug>/governance/): statute rules, assemblies and their convocation, the
door on the day (check-in, proxies, live quorum), polls, and the member's ballot and receipt."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.decorators import requires
from associations.errors import WaslError
from associations.forms import add_service_error
from documents.files import serve_private_file
from governance import forms, selectors, services
from governance.models import AgendaItemKind, AssemblyDocument, AssemblyStatus, CheckInMethod, PollStatus
from members.models import Member
from members.selectors import member_of_request


def _ws(request, name: str, **kwargs) -> str:
    return reverse(f"governance:{name}", kwargs={"association_slug": request.association.slug, **kwargs})


def _assembly_or_404(assembly_id: int):
    assembly = selectors.assembly_get(assembly_id=assembly_id)
    if assembly is None:
        raise Http404
    return assembly


def _poll_or_404(poll_id: int):
    poll = selectors.poll_get(poll_id=poll_id)
    if poll is None:
        raise Http404
    return poll


def _member_by_number(number: int) -> Member | None:
    return Member.objects.filter(number=number, anonymised_at=None).first()


# --- Statute rules ------------------------------------------------------------------------------------


@requires("governance.view")
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, association_slug: str) -> HttpResponse:
    current = selectors.rules_current()
    editable = request.can.governance_convene
    form = forms.RulesForm(request.POST or None, request.FILES or None, instance=current)
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                adopted = services.statute_rules_adopt(
                    actor=request.user,
                    values=form.values(),
                    statutes_upload=form.cleaned_data.get("statutes"),
                )
            except WaslError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request, _("Version %(version)s of the rules recorded.") % {"version": adopted.version}
                )
                return redirect(_ws(request, "rules"))
    context = {
        "current": current,
        "form": form,
        "editable": editable,
        "versions": selectors.rules_versions()[:20],
    }
    return render(request, "governance/rules.html", context, status=400 if form.errors else 200)


@requires("governance.view")
@require_GET
def statutes_file(request: HttpRequest, association_slug: str, rules_id: int) -> HttpResponse:
    found = selectors.rules_versions().filter(pk=rules_id).exclude(statutes_file="").first()
    if found is None:
        raise Http404
    return serve_private_file(found.statutes_file, download_name=found.statutes_file_name or "statutes.pdf")


# --- Assemblies ---------------------------------------------------------------------------------------


@requires("governance.view")
@require_GET
def assembly_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    return render(request, "governance/assembly_list.html", {"assemblies": selectors.assemblies()[:200]})


@requires("governance.convene")
@require_http_methods(["GET", "POST"])
def assembly_edit(
    request: HttpRequest, association_slug: str, assembly_id: int | None = None
) -> HttpResponse:
    assembly = _assembly_or_404(assembly_id) if assembly_id else None
    form = forms.AssemblyForm(request.POST or None, instance=assembly)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if assembly is None:
                assembly = services.assembly_create(actor=request.user, values=values)
            else:
                services.assembly_update(actor=request.user, assembly_id=assembly.pk, values=values)
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            return redirect(_ws(request, "assembly", assembly_id=assembly.pk))
    return render(
        request,
        "governance/assembly_form.html",
        {"form": form, "assembly": assembly},
        status=400 if form.errors else 200,
    )


@requires("governance.view")
@require_GET
def assembly_detail(request: HttpRequest, association_slug: str, assembly_id: int) -> HttpResponse:
    assembly = _assembly_or_404(assembly_id)
    items = list(selectors.agenda_of(assembly))
    context = {
        "assembly": assembly,
        "rules": selectors.rules_for(assembly),
        "items": items,
        "documents": AssemblyDocument.objects.filter(assembly=assembly).order_by("uploaded_at", "id"),
        "replies": selectors.reply_counts(assembly),
        "polls": selectors.polls_of(assembly),
        "item_form": forms.AgendaItemForm(),
        "document_form": forms.DocumentForm(),
        "poll_form": forms.PollForm(items=[i for i in items if i.kind != AgendaItemKind.INFORMATION]),
        "quorum": selectors.quorum_status(assembly) if assembly.status == AssemblyStatus.OPEN else None,
    }
    return render(request, "governance/assembly_detail.html", context)


def _back_with_error(request, assembly_id: int, exc: WaslError):
    messages.error(request, exc.message)
    return redirect(_ws(request, "assembly", assembly_id=assembly_id))


@requires("governance.convene")
@require_POST
def agenda_add(request: HttpRequest, association_slug: str, assembly_id: int) -> HttpResponse:
    assembly = _assembly_or_404(assembly_id)
    form = forms.AgendaItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the item a kind and a title."))
        return redirect(_ws(request, "assembly", assembly_id=assembly.pk))
    try:
        services.agenda_item_add(actor=request.user, assembly_id=assembly.pk, **form.cleaned_data)
    except WaslError as exc:
        return _back_with_error(request, assembly.pk, exc)
    return redirect(_ws(request, "assembly", assembly_id=assembly.pk))


@requires("governance.convene")
@require_POST
def document_add(request: HttpRequest, association_slug: str, assembly_id: int) -> HttpResponse:
    assembly = _assembly_or_404(assembly_id)
    form = forms.DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Give the document a title and a file."))
        return redirect(_ws(request, "assembly", assembly_id=assembly.pk))
    try:
        services.assembly_document_attach(
            actor=request.user,
            assembly_id=assembly.pk,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
        )
    except WaslError as exc:
        return _back_with_error(request, assembly.pk, exc)
    messages.success(request, _("Document attached."))
    return redirect(_ws(request, "assembly", assembly_id=assembly.pk))


@requires("association.view")
@require_GET
def document_file(request: HttpRequest, association_slug: str, assembly_document_id: int) -> HttpResponse:
    """A convocation's document: for the officers and for every convened member."""
    document = AssemblyDocument.objects.select_related("assembly").filter(pk=assembly_document_id).first()
    if document is None:
        raise Http404
    member = member_of_request(request)
    convened = (
        member is not None and selectors.convened_members(document.assembly).filter(pk=member.pk).exists()
    )
    if not (request.can.governance_view or (convened and document.assembly.status != AssemblyStatus.DRAFT)):
        raise Http404
    return serve_private_file(
        document.file, download_name=document.original_name, content_type=document.content_type
    )


@requires("governance.convene")
@require_http_methods(["GET", "POST"])
def assembly_convene(request: HttpRequest, association_slug: str, assembly_id: int) -> HttpResponse:
    """The confirmation page: who will be written to, under which rules; then convene."""
    assembly = _assembly_or_404(assembly_id)
    error = None
    if request.method == "POST":
        try:
            queued = services.assembly_convene(actor=request.user, assembly_id=assembly.pk)
        except WaslError as exc:
            error = exc.message
        else:
            messages.success(
                request, _("Assembly convened: %(count)s convocations queued.") % {"count": queued}
            )
            return redirect(_ws(request, "assembly", assembly_id=assembly.pk))
    context = {
        "assembly": assembly,
        "rules": selectors.rules_current(),
        "recipients": selectors.convened_members(assembly).count(),
        "error": error,
        "confirm_action": _ws(request, "assembly_convene", assembly_id=assembly.pk),
        "back_url": _ws(request, "assembly", assembly_id=assembly.pk),
    }
    return render(request, "governance/convene_confirm.html", context, status=400 if error else 200)


_STEPS = {
    "open": services.assembly_open,
    "quorum": services.quorum_declare,
    "second_call": services.second_call_open,
    "close": services.assembly_close,
    "cancel": services.assembly_cancel,
}


@requires("governance.convene")
@require_http_methods(["GET", "POST"])
def assembly_step(request: HttpRequest, association_slug: str, assembly_id: int, step: str) -> HttpResponse:
    """Open the session, declare the quorum, open the second call, close or cancel: each through a
    confirmation page."""
    if step not in _STEPS:
        raise Http404
    assembly = _assembly_or_404(assembly_id)
    if request.method == "POST":
        try:
            _STEPS[step](actor=request.user, assembly_id=assembly.pk)
        except WaslError as exc:
            return _back_with_error(request, assembly.pk, exc)
        messages.success(request, _("Done."))
        return redirect(_ws(request, "assembly", assembly_id=assembly.pk))
    context = {
        "assembly": assembly,
        "step": step,
        "quorum": selectors.quorum_status(assembly) if assembly.status == AssemblyStatus.OPEN else None,
        "confirm_action": _ws(request, "assembly_step", assembly_id=assembly.pk, step=step),
        "back_url": _ws(request, "assembly", assembly_id=assembly.pk),
    }
    return render(request, "governance/step_confirm.html", context)


# --- The door -----------------------------------------------------------------------------------------


@requires("governance.checkin")
@require_http_methods(["GET", "POST"])
def door(request: HttpRequest, association_slug: str, assembly_id: int) -> HttpResponse:
    """Phone-first check-in: search a name (Arabic or Latin script, phone, number) or scan a card."""
    assembly = _assembly_or_404(assembly_id)
    search = forms.CheckInSearchForm(request.GET or None)
    card_form = forms.CardForm(request.POST if "card" in request.POST else None)
    if request.method == "POST":
        try:
            if "card" in request.POST:
                if not card_form.is_valid():
                    raise WaslError(_("Scan or paste the card's code."), field="card")
                member, method = services.member_from_card(card_form.cleaned_data["card"]), CheckInMethod.CARD
            else:
                member = Member.objects.filter(pk=_int(request.POST.get("member"))).first()
                if member is None:
                    raise Http404
                method = CheckInMethod.SEARCH
            _attendance, created = services.attendance_check_in(
                actor=request.user, assembly_id=assembly.pk, member_id=member.pk, method=method
            )
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            text = _("%(name)s is checked in.") if created else _("%(name)s was already checked in.")
            messages.success(request, text % {"name": member.display_name})
        return redirect(_ws(request, "door", assembly_id=assembly.pk))
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    context = {
        "assembly": assembly,
        "search": search,
        "card_form": card_form,
        "found": selectors.checkin_candidates(assembly, query=query) if query else [],
        "query": query,
        "quorum": selectors.quorum_status(assembly),
    }
    template = "governance/door.html#results" if request.htmx else "governance/door.html"
    return render(request, template, context)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@requires("governance.checkin")
@require_GET
def quorum(request: HttpRequest, association_slug: str, assembly_id: int) -> HttpResponse:
    """The live quorum counter (polled by the door and the assembly page)."""
    assembly = _assembly_or_404(assembly_id)
    context = {"assembly": assembly, "quorum": selectors.quorum_status(assembly)}
    return render(request, "governance/_quorum.html", context)


@requires("governance.checkin")
@require_http_methods(["GET", "POST"])
def proxy_new(request: HttpRequest, association_slug: str, assembly_id: int) -> HttpResponse:
    assembly = _assembly_or_404(assembly_id)
    form = forms.ProxyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        grantor = _member_by_number(form.cleaned_data["grantor"])
        holder = _member_by_number(form.cleaned_data["holder"])
        if grantor is None:
            form.add_error("grantor", _("No member has this number."))
        if holder is None:
            form.add_error("holder", _("No member has this number."))
        if grantor and holder:
            try:
                services.proxy_record(
                    actor=request.user,
                    assembly_id=assembly.pk,
                    grantor_id=grantor.pk,
                    holder_id=holder.pk,
                    document_upload=form.cleaned_data.get("document"),
                )
            except WaslError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Proxy recorded."))
                return redirect(_ws(request, "proxy_new", assembly_id=assembly.pk))
    context = {"assembly": assembly, "form": form, "proxies": selectors.proxies_of(assembly)}
    return render(request, "governance/proxy_form.html", context, status=400 if form.errors else 200)


# --- Polls --------------------------------------------------------------------------------------------


@requires("governance.convene")
@require_POST
def poll_new(request: HttpRequest, association_slug: str, assembly_id: int) -> HttpResponse:
    assembly = _assembly_or_404(assembly_id)
    items = [i for i in selectors.agenda_of(assembly) if i.kind != AgendaItemKind.INFORMATION]
    form = forms.PollForm(request.POST, items=items)
    if not form.is_valid():
        messages.error(request, _("Choose the agenda item and how the vote is held."))
        return redirect(_ws(request, "assembly", assembly_id=assembly.pk))
    try:
        poll = services.poll_create(
            actor=request.user,
            agenda_item_id=form.cleaned_data["agenda_item"],
            question=form.cleaned_data["question"],
            method=form.cleaned_data["method"],
            office=form.cleaned_data["office"],
            seats=form.cleaned_data["seats"],
            election_mode=form.cleaned_data["election_mode"],
        )
    except WaslError as exc:
        return _back_with_error(request, assembly.pk, exc)
    return redirect(_ws(request, "poll", poll_id=poll.pk))


@requires("governance.view")
@require_http_methods(["GET", "POST"])
def poll_detail(request: HttpRequest, association_slug: str, poll_id: int) -> HttpResponse:
    poll = _poll_or_404(poll_id)
    candidates = list(selectors.candidates_of(poll))
    candidate_form = forms.CandidateForm(request.POST if request.POST.get("action") == "candidate" else None)
    open_form = forms.OpenPollForm(request.POST if request.POST.get("action") == "open" else None)
    hands_form = forms.HandsForm(
        request.POST if request.POST.get("action") == "hands" else None,
        candidates=candidates if poll.is_election else (),
    )
    if request.method == "POST":
        if not request.can.governance_convene:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "candidate" and candidate_form.is_valid():
                member = _member_by_number(candidate_form.cleaned_data["number"])
                if member is None:
                    raise WaslError(_("No member has this number."), field="number")
                services.candidate_add(
                    actor=request.user,
                    poll_id=poll.pk,
                    member_id=member.pk,
                    list_name=candidate_form.cleaned_data["list_name"],
                    office=candidate_form.cleaned_data["office"],
                )
            elif action == "open" and open_form.is_valid():
                services.poll_open(
                    actor=request.user,
                    poll_id=poll.pk,
                    remote_minutes=open_form.cleaned_data.get("remote_minutes"),
                )
            elif action == "hands" and hands_form.is_valid():
                services.hands_record(
                    actor=request.user,
                    poll_id=poll.pk,
                    yes=hands_form.cleaned_data["yes"],
                    no=hands_form.cleaned_data["no"],
                    abstain=hands_form.cleaned_data["abstain"],
                    candidate_hands=hands_form.candidate_hands(),
                )
            elif action == "new_round":
                poll = services.poll_new_round(actor=request.user, poll_id=poll.pk)
            else:
                raise WaslError(_("Check the form's fields."))
        except WaslError as exc:
            messages.error(request, exc.message)
        return redirect(_ws(request, "poll", poll_id=poll.pk))
    context = {
        "poll": poll,
        "candidates": candidates,
        "lists": selectors.lists_of(poll),
        "candidate_form": candidate_form,
        "open_form": open_form,
        "hands_form": hands_form,
        "result": selectors.poll_result(poll) if poll.status == PollStatus.CLOSED else None,
        "participations": poll.participations.count(),
    }
    return render(request, "governance/poll_detail.html", context)


@requires("governance.convene")
@require_http_methods(["GET", "POST"])
def poll_close(request: HttpRequest, association_slug: str, poll_id: int) -> HttpResponse:
    poll = _poll_or_404(poll_id)
    if request.method == "POST":
        try:
            services.poll_close(actor=request.user, poll_id=poll.pk)
        except WaslError as exc:
            messages.error(request, exc.message)
        return redirect(_ws(request, "poll", poll_id=poll.pk))
    context = {
        "poll": poll,
        "participations": poll.participations.count(),
        "confirm_action": _ws(request, "poll_close", poll_id=poll.pk),
        "back_url": _ws(request, "poll", poll_id=poll.pk),
    }
    return render(request, "governance/poll_close_confirm.html", context)


# --- The member's side: convocations, ballots, receipts -------------------------------------------------


@requires("association.view")
@require_POST
def reply(request: HttpRequest, association_slug: str, assembly_id: int) -> HttpResponse:
    member = member_of_request(request)
    if member is None:
        raise Http404
    try:
        services.convocation_reply(
            member=member, assembly_id=assembly_id, answer=request.POST.get("answer", "")
        )
    except WaslError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: your answer is recorded."))
    return redirect(reverse("members:my", kwargs={"association_slug": association_slug}))


@requires("association.view")
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, association_slug: str, poll_id: int) -> HttpResponse:
    """The member's ballot on their phone: one form per vote they hold (theirs, and proxies). The
    receipt is shown once, on the answer to the POST, and kept nowhere with their name."""
    member = member_of_request(request)
    poll = _poll_or_404(poll_id)
    if member is None:
        raise Http404
    receipt, error = None, None
    if request.method == "POST":
        try:
            receipt = services.ballot_cast(
                member=member,
                poll_id=poll.pk,
                choice=request.POST.get("choice", ""),
                candidate_ids=request.POST.getlist("candidates"),
                list_id=_int(request.POST.get("list")),
                on_behalf_of=_int(request.POST.get("on_behalf_of")),
            )
        except WaslError as exc:
            error = exc.message
    context = {
        "poll": poll,
        "member": member,
        "entries": selectors.votes_in_hand(poll, member) if poll.status == PollStatus.OPEN else [],
        "candidates": selectors.candidates_of(poll),
        "lists": selectors.lists_of(poll),
        "receipt": receipt,
        "error": error,
    }
    return render(request, "governance/vote.html", context, status=400 if error else 200)


@requires("association.view")
@require_GET
def receipt_check(request: HttpRequest, association_slug: str, poll_id: int) -> HttpResponse:
    poll = _poll_or_404(poll_id)
    form = forms.ReceiptForm(request.GET or None)
    counted = None
    if form.is_valid():
        counted = selectors.receipt_counted(poll=poll, code=form.cleaned_data["code"])
    return render(request, "governance/receipt.html", {"poll": poll, "form": form, "counted": counted})
