from django.db.models import QuerySet

from notifications.models import Message, Opposition


def message_list(*, status: str = "") -> QuerySet[Message]:
    messages = Message.objects.select_related("recipient_user").order_by("-created_at", "-id")
    if status:
        messages = messages.filter(status=status)
    return messages


def opposition_list() -> QuerySet[Opposition]:
    return Opposition.objects.order_by("-created_at")


def message_detail(*, message_id: int) -> Message | None:
    return Message.objects.filter(pk=message_id).first()
