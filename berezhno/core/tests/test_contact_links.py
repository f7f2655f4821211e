"""Phones and e-mails are links a phone can call or write to (issue 11, field basics)."""

import pytest
from django.urls import reverse

from berezhno.core.templatetags.contacts import mailto, tel, tel_href


@pytest.mark.parametrize(("shown", "href"), [
    ("8 913 123-45-67", "tel:+79131234567"), ("+7 (913) 123-45-67", "tel:+79131234567"),
    ("9131234567", "tel:+79131234567"), ("2-11-01", "tel:21101"), ("нет", None), ("", None)])
def test_tel_href(shown, href):
    assert tel_href(shown) == href


def test_links_are_escaped_and_empty_is_a_dash():
    assert tel("") == "—" and mailto(None) == "—"
    assert tel("<b>8 913 123-45-67</b>") == \
        '<a class="tap" href="tel:+79131234567">&lt;b&gt;8 913 123-45-67&lt;/b&gt;</a>'
    assert mailto('x"@y.ru') == 'x"@y.ru'  # not an address: plain text
    assert mailto("d1@example.org") == \
        '<a class="tap" href="mailto:d1@example.org">d1@example.org</a>'


@pytest.mark.django_db
def test_the_card_and_the_directory_link_phones_and_mail(client, world):
    client.force_login(world.user("specialist"))
    card = client.get(reverse("people:person", args=[world.p1.pk])).content.decode()
    assert 'href="tel:+79131234567"' in card
    client.logout()
    found = client.get(reverse("territories:directory"), {"settlement": world.town.pk},
                       HTTP_HX_REQUEST="true").content.decode()
    assert 'href="tel:+73816121101"' in found and 'href="mailto:d1@example.org"' in found
