"""Two page components of the phone-first layout (docs/development/ui.md, decision 0035).

``{% breadcrumbs label url … [current] %}`` — the trail from the home page to this page:
pairs of a label and an address (a path, a URL name without arguments such as
``"cases:list"``, or a record the view already read, by its ``get_absolute_url``), and
optionally the current page's label last, not linked. «Главная» comes first by itself. At
phone width only the parent (the last link) is shown, as «‹ Случаи».

``{% action_bar [id="…"] %} main actions {% more_actions %} secondary actions
{% end_action_bar %}`` — a page's actions, the main one first and primary (``class="button"``),
the secondary ones (``class="button secondary"``) after it; at phone width the secondary ones
fold behind «Ещё действия» (a ``<details>``, no JavaScript needed). Either part may be empty
(an empty bar renders nothing).
"""

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from berezhno.core import registry

register = template.Library()


def _address(value) -> str:
    if hasattr(value, "get_absolute_url"):
        return value.get_absolute_url()  # a record the view already read through the scope
    value = str(value or "")
    if not value or value.startswith(("/", "?", "#")) or ":" not in value:
        return value
    try:
        return reverse(value)
    except NoReverseMatch:
        return value


def _menu_urls() -> set[str]:
    urls = set()
    for entry in registry.menu_entries():
        try:
            urls.add(reverse(entry.url_name))
        except NoReverseMatch:
            continue
    return urls


def trail(menu, *args) -> tuple[list[dict], str]:
    """The links (home first) and the current page's label from the tag's arguments.

    A level that is a menu page the user's menu does not list (``menu``: the context
    processor's entries) is left out, as is one whose label is empty: a crumb never leads
    to a page that would answer 404."""
    items = [{"label": _("Главная"), "url": reverse("core:home")}]
    pairs, current = (args, "") if len(args) % 2 == 0 else (args[:-1], args[-1])
    allowed = {item["url"] for item in menu or ()}
    menu_urls = None
    for label, url in zip(pairs[::2], pairs[1::2], strict=True):
        address = _address(url)
        if label in (None, "") or not address:
            continue
        if address not in allowed:
            menu_urls = _menu_urls() if menu_urls is None else menu_urls
            if address in menu_urls:
                continue
        items.append({"label": label, "url": address})
    return items, str(current or "")


@register.simple_tag(takes_context=True)
def breadcrumbs(context, *args):
    items, current = trail(context.get("menu"), *args)
    return render_to_string("core/_breadcrumbs.html",
                            {"items": items, "current": current, "parent": items[-1]})


class ActionBarNode(template.Node):
    def __init__(self, main, more, bar_id):
        self.main, self.more, self.bar_id = main, more, bar_id

    def render(self, context):
        # The rendered parts stay the safe strings the template engine made (no strip(),
        # which would return a plain str to be escaped again).
        main = self.main.render(context)
        more = self.more.render(context) if self.more is not None else ""
        if not main.strip() and not more.strip():
            return ""
        bar_id = self.bar_id.resolve(context) if self.bar_id is not None else ""
        return render_to_string("core/_action_bar.html",
                                {"main": main if main.strip() else "",
                                 "more": more if more.strip() else "", "bar_id": bar_id})


@register.tag
def action_bar(parser, token):
    bits = token.split_contents()[1:]
    bar_id = None
    for bit in bits:
        name, sep, value = bit.partition("=")
        if name != "id" or not sep:
            raise template.TemplateSyntaxError('action_bar takes only id="…"')
        bar_id = parser.compile_filter(value)
    main = parser.parse(("more_actions", "end_action_bar"))
    more = None
    if parser.next_token().contents == "more_actions":
        more = parser.parse(("end_action_bar",))
        parser.delete_first_token()
    return ActionBarNode(main, more, bar_id)
