"""Every list says what it is for when it is empty, and offers the first step (issue 9, item 8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from associations.capabilities import RoleKind
from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory


@pytest.fixture
def empty(db, client):
    """A new association: its president and nothing else."""
    association = AssociationFactory(slug="new-assoc")
    president = UserFactory(email="new-president@example.ma")
    RoleFactory(association=association, user=president, kind=RoleKind.PRESIDENT)
    client.force_login(president)
    return association


def workspace(name, **kwargs):
    return reverse(name, kwargs={"association_slug": "new-assoc", **kwargs})


def empty_state(body: str) -> str:
    start = body.index('class="card card-body bg-white text-center py-4 empty-state"')
    return body[start : body.index("</main>", start)]


CASES = [
    # (list, query, words that say what it is for, the first step's link)
    ("members:list", {}, "The member register lists every member", 'href="{members:create}">Add a member</a>'),
    ("members:list", {}, "import the list you already keep", 'href="{members:import}">Import a list</a>'),
    ("members:list", {"q": "nobody"}, "No member matches", 'href="{members:list}">Show all members</a>'),
    ("members:categories", {}, "Categories group your members", 'href="#id_name_ar">Add the first category</a>'),
    ("members:import", {}, "No list imported yet", 'href="#id_file">Choose a file</a>'),
    ("documents:list", {}, "An association certificate states its legal facts", 'action="{documents:certificate_issue}"'),
    ("jobs:list", {}, "run here in the background", 'href="{members:list}">Go to the member list</a>'),
    ("notifications:outbox", {}, "Nothing sent yet", 'href="{associations:roles}">Invite someone</a>'),
    ("notifications:outbox", {"status": "failed"}, "No message with this status", 'href="{notifications:outbox}">Show all messages</a>'),
    ("associations:roles", {}, "No invitation waiting", 'href="#id_email">Invite someone</a>'),
    ("associations:tokens", {}, "You need one only to connect another program", 'href="#id_name">Create a token</a>'),
    ("associations:tokens", {}, "", 'href="/api/docs/">Read the API documentation</a>'),
    ("associations:audit", {"action": "nothing.like.this"}, "No event matches these filters", 'href="{associations:audit}">Show every event</a>'),
]  # fmt: skip


@pytest.mark.parametrize(("name", "query", "purpose", "action"), CASES)
def test_an_empty_list_says_what_it_is_for_and_offers_the_first_step(
    client, empty, name, query, purpose, action
):
    response = client.get(workspace(name), query)
    assert response.status_code == 200
    shown = empty_state(response.content.decode())
    assert purpose in shown
    links = {
        key: workspace(key)
        for key in (
            "members:create",
            "members:import",
            "members:list",
            "documents:certificate_issue",
            "associations:roles",
            "notifications:outbox",
            "associations:audit",
        )
    }
    for key, link in links.items():
        action = action.replace("{" + key + "}", link)
    assert action in shown


def test_the_empty_register_offers_no_action_to_those_who_cannot_act(client, empty):
    board_member = UserFactory()
    RoleFactory(association=empty, user=board_member, kind=RoleKind.BOARD_MEMBER)
    client.force_login(board_member)
    response = client.get(workspace("members:list"))
    assert response.status_code == 200
    shown = empty_state(response.content.decode())
    assert "No member has been registered yet." in shown and "Add a member" not in shown
