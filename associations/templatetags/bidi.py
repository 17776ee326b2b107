"""`{{ name|isolate }}`: a name set inside a translated sentence, in a <bdi> so that its direction
(an Arabic name in a French sentence) or an override character it may hold cannot reorder the words
around it."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def isolate(value) -> str:
    return format_html("<bdi>{}</bdi>", value)
