"""``{{ phone|tel }}`` and ``{{ address|mailto }}``: a phone or e-mail shown as a link a
phone can call or write to (issue 11, field basics); an empty value shows «—»."""

import re

from django import template
from django.utils.html import format_html

register = template.Library()

EMPTY = "—"


def tel_href(phone: str) -> str | None:
    """``tel:`` address of a Russian phone written in any usual way: 8 913 123-45-67,
    +7 (913) 123-45-67, 9131234567; ``None`` when it does not look like one."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 11 and digits[0] in "78":
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    elif not 5 <= len(digits) <= 15:
        return None
    return f"tel:+{digits}" if len(digits) == 11 else f"tel:{digits}"


@register.filter
def tel(phone) -> str:
    text = str(phone or "").strip()
    if not text:
        return EMPTY
    href = tel_href(text)
    if href is None:
        return text
    return format_html('<a class="tap" href="{}">{}</a>', href, text)


@register.filter
def mailto(address) -> str:
    text = str(address or "").strip()
    if not text or "@" not in text or any(c in text for c in " <>\"'"):
        return text or EMPTY
    return format_html('<a class="tap" href="mailto:{}">{}</a>', text, text)
