"""A customer's JSON issue list, and a signed-in session's list and issue
pages, may be handed back from a read connection's memo until the next commit
to the database (PORTAL_ANSWER_MEMO_KB, issue 7).

Through nginx and the real worker, with real session cookies and many
requests at once (so several threads and read connections hold answers),
each test checks that every answer is the one a fresh read would give: only
the asking customer's issues, every change by any program in the very next
list, and the session still checked on every request.
"""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import json_of
from portal_support import SupportData, csrf_of, make_workspace, session_client, unique

PARALLEL = 8


class Team:
    slug: str
    data: SupportData
    emails: dict  # name → email
    clients: dict  # name → (client, csrf)
    issues: dict  # name → [issue JSON of the support API], oldest first


@pytest.fixture(scope="module")
def team(stack):
    result = Team()
    result.slug, key = make_workspace(stack, "memo")
    result.data = SupportData(stack, key)
    company = result.data.company("Initech")
    result.emails, result.clients, result.issues = {}, {}, {}
    for name in ("ann", "ben", "cat"):
        email = result.emails[name] = f"{unique(name)}@initech.test"
        customer = result.data.customer(email, name.title(), company["id"], "member")
        result.issues[name] = [result.data.issue(customer["id"], f"{name} issue {n}") for n in range(3)]
        result.clients[name] = session_client(stack, result.slug, email)
    yield result
    result.data.close()


def titles(team: Team, name: str, query: str = "") -> list[str]:
    client, _ = team.clients[name]
    response = client.get(f"/api/portal/issues{query}")
    assert response.status_code == 200, response.text[:300]
    return [issue["title"] for issue in json_of(response)["issues"]]


def in_parallel(jobs) -> list:
    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(lambda job: job(), jobs))


def test_customers_asking_at_once_each_get_their_own_list(team):
    names = ["ann", "ben", "cat"] * 40
    answers = in_parallel([lambda name=name: (name, titles(team, name)) for name in names])
    for name, answer in answers:
        assert answer == [f"{name} issue {n}" for n in (2, 1, 0)], f"{name} got {answer}"


def test_a_commit_by_another_program_is_in_every_next_list(stack, team):
    before = in_parallel([lambda: titles(team, "ann")] * 40)
    assert all(answer[0] == "ann issue 2" for answer in before)
    with sqlite3.connect(stack.database, timeout=15) as db:
        changed = db.execute("UPDATE issue SET title = 'ann issue 2, renamed' WHERE id = ?",
                             (team.issues["ann"][2]["id"],)).rowcount
    assert changed == 1
    after = in_parallel([lambda: titles(team, "ann")] * 40)
    assert all(answer[0] == "ann issue 2, renamed" for answer in after), {tuple(answer) for answer in after}


def test_an_operators_change_and_the_customers_reply_are_in_the_next_list(team):
    assert titles(team, "ben", "?limit=2") == ["ben issue 2", "ben issue 1"]
    patched = team.data.api.patch(f"/api/v1/issues/{team.issues['ben'][2]['ref']}", json={"title": "ben issue 2, by support"})
    assert patched.status_code == 200, patched.text
    assert titles(team, "ben", "?limit=2") == ["ben issue 2, by support", "ben issue 1"]
    client, csrf = team.clients["ben"]
    reply = client.post(f"/api/portal/issues/{team.issues['ben'][0]['ref']}/messages", json={"body": "Any news?"},
                        headers={"X-CSRF-Token": csrf})
    assert reply.status_code == 201, reply.text
    assert titles(team, "ben", "?limit=2") == ["ben issue 0", "ben issue 2, by support"]


def test_a_signed_out_session_gets_no_list(team):
    client, csrf = team.clients["cat"]
    assert len(in_parallel([lambda: titles(team, "cat")] * 20)) == 20
    out = client.post("/api/portal/auth/logout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 204, out.text
    answers = in_parallel([lambda: client.get("/api/portal/issues").status_code] * 20)
    assert set(answers) == {401}


def test_pages_are_each_sessions_own_and_show_every_commit(stack, team):
    """Two sessions of one customer ask for the same pages at once: each page
    carries its own session's CSRF token; a commit by another program is on
    every page asked for after it."""
    first, first_csrf = team.clients["ann"]
    second, second_csrf = session_client(stack, team.slug, team.emails["ann"])
    assert first_csrf != second_csrf
    ref = team.issues["ann"][1]["ref"]

    def pages(client):
        home, issue = client.get("/"), client.get(f"/issues/{ref}")
        assert home.status_code == 200 and issue.status_code == 200
        return csrf_of(home.text), csrf_of(issue.text), home.text, issue.text

    for (client, csrf) in [(first, first_csrf), (second, second_csrf)] * 2:
        results = in_parallel([lambda client=client: pages(client)] * 10)
        assert all(result[0] == csrf and result[1] == csrf for result in results)
        assert all("ann issue 1" in result[2] and "ann issue 1" in result[3] for result in results)
    with sqlite3.connect(stack.database, timeout=15) as db:
        assert db.execute("UPDATE issue SET title = 'ann issue 1, seen on every page' WHERE id = ?",
                          (team.issues["ann"][1]["id"],)).rowcount == 1
    results = in_parallel([lambda: pages(first)] * 10 + [lambda: pages(second)] * 10)
    assert all("ann issue 1, seen on every page" in result[2] and "ann issue 1, seen on every page" in result[3]
               for result in results)
