"""The public directory at scale: keyset pages in the directory's order, a cached count that a
change of an association renews, every word of a search in any order."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from associations import selectors
from associations.tests.factories import AssociationFactory


def names(response) -> list[str]:
    return [a.name_fr for a in response.context["page"]]


def text(response) -> str:
    return re.sub(r"<[^>]+>", "", response.content.decode())


def test_pages_follow_by_cursor_in_the_directory_order(client, db, monkeypatch):
    monkeypatch.setattr(selectors, "DIRECTORY_PAGE_SIZE", 4)
    AssociationFactory(name_fr="Amal", verified_at=None)  # a look-alike: after the verified one
    for name in ("Amal", "Basma", "Chourouk", "Dar", "Essalam", "Amal", "Fajr", "Ghad"):
        AssociationFactory(name_fr=name)
    expected = [
        a.name_fr
        for a in selectors.association_directory()
        if a.name_fr in "Amal Basma Chourouk Dar Essalam Fajr Ghad"
    ]
    seen, params, pages = [], {}, 0
    while True:
        response = client.get("/", params)
        seen += list(response.context["page"])
        pages += 1
        cursor = response.context["page"].next_cursor
        if not cursor:
            break
        assert "cursor=" in response.content.decode()
        params = {"cursor": cursor}
    assert [a.name_fr for a in seen if a.name_fr in expected] == expected
    assert len({a.pk for a in seen}) == len(seen)  # no association twice
    amal = [a for a in seen if a.name_fr == "Amal"]
    assert [a.verified_at is None for a in amal] == [False, False, True]
    assert pages >= 3


def test_a_tampered_cursor_starts_from_the_first_page(client, db):
    AssociationFactory(name_fr="Amal")
    for cursor in ("garbage!!", "W10=", "WyJhIiwgbnVsbCwgIngiXQ=="):
        assert client.get("/", {"cursor": cursor}).status_code == 200


def test_the_count_is_cached_and_renewed_when_an_association_changes(client, db):
    AssociationFactory(name_fr="Amal")
    client.get("/")
    with CaptureQueriesContext(connection) as cached:
        first = text(client.get("/"))
    assert not any("COUNT(" in q["sql"] for q in cached.captured_queries)
    before = int(re.search(r"(\d+) associations?", first).group(1))
    AssociationFactory(name_fr="Basma")
    assert f"{before + 1} associations" in text(client.get("/"))
    closed = AssociationFactory(name_fr="Chourouk")
    closed.is_active = False
    closed.save()
    assert f"{before + 1} associations" in text(client.get("/"))


def test_search_finds_every_word_in_any_order(client, db):
    AssociationFactory(name_fr="Association Al Amal pour le Développement", name_ar="جمعية الأمل للتنمية",
                       search_text="association al amal pour le developpement جمعيه الامل للتنميه")  # fmt: skip
    AssociationFactory(name_fr="Amal Sport", search_text="amal sport")
    assert names(client.get("/", {"q": "developpement amal"})) == [
        "Association Al Amal pour le Développement"
    ]
    assert names(client.get("/", {"q": "للتنمية الأمل"})) == ["Association Al Amal pour le Développement"]
    assert len(names(client.get("/", {"q": "amal"}))) == 2
