"""The association's outbox, for officers (/a/<slug>/outbox/)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.decorators import requires
from associations.errors import NotFound, WaslError
from notifications import selectors, services
from notifications.forms import OppositionForm, OutboxFilterForm
from notifications.models import Message


def _outbox_context(request, opposition_form=None) -> dict:
    form = OutboxFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    page = Paginator(selectors.message_list(status=status), 50).get_page(request.GET.get("page"))
    return {
        "form": form,
        "page": page,
        "opposition_form": opposition_form or OppositionForm(),
        "oppositions": selectors.opposition_list()[:20],
    }


@requires("notifications.view")
@require_GET
def outbox(request: HttpRequest, association_slug: str) -> HttpResponse:
    return render(request, "notifications/outbox.html", _outbox_context(request))


@requires("notifications.manage")
@require_http_methods(["GET", "POST"])
def message_resend(request: HttpRequest, association_slug: str, message_id: int) -> HttpResponse:
    """Send a failed message again, after a page that says what will go to whom; a POST without
    that page's confirmation changes nothing."""
    message = selectors.message_detail(message_id=message_id)
    if message is None:
        raise Http404
    if message.status != Message.Status.FAILED:
        messages.error(request, _("Only a failed message can be sent again."))
        return redirect("notifications:outbox", association_slug=association_slug)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        try:
            services.message_resend(actor=request.user, message_id=message.pk)
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The message is queued again."))
        return redirect("notifications:outbox", association_slug=association_slug)
    try:
        subject, body = services.render_message(message)
    except TemplateDoesNotExist:  # a kind of message since removed: the page still names the recipient
        subject, body = "", ""
    context = {"message": message, "subject": subject, "sms_text": body if message.channel == "sms" else ""}
    return render(request, "notifications/resend_confirm.html", context)


@requires("notifications.manage")
@require_POST
def opposition_create(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = OppositionForm(request.POST)
    if form.is_valid():
        try:
            services.opposition_record(
                actor=request.user, channel=form.cleaned_data["channel"], address=form.cleaned_data["address"]
            )
        except WaslError as exc:
            form.add_error("address", exc.message)
        else:
            messages.success(
                request, _("The objection is recorded: nothing more will be sent there on this channel.")
            )
            return redirect("notifications:outbox", association_slug=association_slug)
    return render(request, "notifications/outbox.html", _outbox_context(request, form), status=400)
