"""Who sees which issue on the portal (issue 4, "How it is checked").

Two fresh workspaces, each with two companies (north, south) whose customers
are admin, member, none and unset (the workspace default, member); every one
of them requests issues. For every customer the test asserts exactly which
references are visible — in the JSON list and the HTML list, by reference
(anything else answers exactly like a missing reference), by search and by a
cursor walk — and that changing the default access or a customer's own level
changes that at once. The per-customer portal-access API is checked here too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest

from conftest import APP_HOST, assert_error, json_of
from portal_support import (SupportData, assert_html, customer_client, make_workspace, refs_in_list_page, save_settings,
                            unique, word)

WORKSPACES = ("w1", "w2")
COMPANIES = ("north", "south")
ROLES = ("admin", "member", "none", "unset")
ISSUES_PER_ROLE = {"admin": 1, "member": 2, "none": 1, "unset": 1}
CUSTOMERS = [(ws, company, role) for ws in WORKSPACES for company in COMPANIES for role in ROLES]
CUSTOMER_IDS = ["-".join(customer) for customer in CUSTOMERS]
MISSING_REF = "ISS-999999"


@dataclass
class MatrixIssue:
    ref: str
    id: int
    title: str
    company: str
    requester: tuple  # (ws, company, role)
    title_word: str
    description_word: str


@dataclass
class Matrix:
    slugs: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)
    customers: dict = field(default_factory=dict)  # (ws, company, role) → customer JSON
    issues: dict = field(default_factory=dict)  # ws → [MatrixIssue]
    common_word: str = ""

    def level(self, who: tuple, default: str = "member") -> str:
        role = who[2]
        return default if role == "unset" else role

    def expected(self, who: tuple, level: str | None = None) -> set[str]:
        """The references `who` may see at `level` (their own level by default)."""
        ws, company, _ = who
        level = level or self.level(who)
        if level == "admin":
            return {issue.ref for issue in self.issues[ws] if issue.company == company}
        if level == "member":
            return {issue.ref for issue in self.issues[ws] if issue.requester == who}
        return set()

    def all_refs(self) -> set[str]:
        return {issue.ref for issues in self.issues.values() for issue in issues}

    def issue(self, ws: str, ref: str) -> MatrixIssue | None:
        return next((issue for issue in self.issues[ws] if issue.ref == ref), None)

    def client(self, stack, who: tuple):
        return customer_client(stack, self.slugs[who[0]], self.customers[who]["email"])


@pytest.fixture(scope="module")
def matrix(stack) -> Matrix:
    result = Matrix(common_word=word("common"))
    for ws in WORKSPACES:
        slug, key = make_workspace(stack, f"mx{ws}")
        result.slugs[ws], result.keys[ws] = slug, key
        data = SupportData(stack, key)
        result.issues[ws] = []
        if ws == "w2":
            # Padding first: w2's references then run past w1's, so some exist only in w2.
            west = data.company("West Padding")
            padder = data.customer(f"pad-{uuid.uuid4().hex[:6]}@west.test", "Pat Padding", west["id"], "member")
            for number in range(4):
                data.issue(padder["id"], f"Padding {number}", "padding")
        for company in COMPANIES:
            company_row = data.company(f"{company.title()} {ws}")
            for role in ROLES:
                who = (ws, company, role)
                result.customers[who] = data.customer(
                    f"{role}.{company}.{uuid.uuid4().hex[:6]}@{company}-{ws}.test", f"{role.title()} {company.title()} {ws}",
                    company_row["id"], None if role == "unset" else role)
        # Interleave the requesters so that list order differs from creation order per customer.
        for round_number in range(max(ISSUES_PER_ROLE.values())):
            for company in COMPANIES:
                for role in ROLES:
                    if round_number >= ISSUES_PER_ROLE[role]:
                        continue
                    who = (ws, company, role)
                    title_word, description_word = word("t"), word("d")
                    title = f"{result.common_word} {role} of {company} #{round_number} {title_word}"
                    issue = data.issue(result.customers[who]["id"], title, f"Details {description_word}",
                                       status="open" if round_number else "new")
                    result.issues[ws].append(MatrixIssue(issue["ref"], issue["id"], title, company, who, title_word,
                                                         description_word))
        data.close()
    refs = {ws: {issue.ref for issue in result.issues[ws]} for ws in WORKSPACES}
    assert refs["w2"] - refs["w1"], "w2 must have references that do not exist in w1"
    return result


def listed_refs(client, params: str = "limit=100", *, may_be_forbidden: bool) -> list[str]:
    response = client.get(f"/api/portal/issues?{params}")
    if response.status_code == 403 and may_be_forbidden:
        assert_error(response, 403, "forbidden")
        return []
    assert response.status_code == 200, f"GET /api/portal/issues?{params}: {response.status_code} {response.text[:500]}"
    body = json_of(response)
    assert body["object"] == "list"
    return [issue["ref"] for issue in body["issues"]]


def walk(client, limit: int, extra: str = "") -> list[list[str]]:
    pages, cursor = [], None
    for _ in range(100):
        params = f"limit={limit}" + (f"&{extra}" if extra else "") + (f"&cursor={cursor}" if cursor else "")
        response = client.get(f"/api/portal/issues?{params}")
        assert response.status_code == 200, response.text
        body = json_of(response)
        refs = [issue["ref"] for issue in body["issues"]]
        assert len(refs) <= limit
        pages.append(refs)
        assert body["hasMore"] == (body["nextCursor"] is not None), body
        if not body["hasMore"]:
            return pages
        assert refs, "a page with hasMore must not be empty"
        cursor = body["nextCursor"]
    raise AssertionError("the cursor walk did not end")


# -- the matrix: list ---------------------------------------------------------------------------------

@pytest.mark.parametrize("who", CUSTOMERS, ids=CUSTOMER_IDS)
def test_the_issue_list_holds_exactly_the_issues_in_the_customers_scope(stack, matrix, who):
    client = matrix.client(stack, who)
    refs = listed_refs(client, may_be_forbidden=matrix.level(who) == "none")
    assert len(refs) == len(set(refs)), f"duplicates in {refs}"
    assert set(refs) == matrix.expected(who)


@pytest.mark.parametrize("who", CUSTOMERS, ids=CUSTOMER_IDS)
def test_the_html_issue_list_shows_exactly_the_issues_in_the_customers_scope(stack, matrix, who):
    page = assert_html(matrix.client(stack, who).get("/"))
    if matrix.level(who) == "none":
        assert "You have no access to issues here" in page.text
        assert refs_in_list_page(page.source) == []
    else:
        assert set(refs_in_list_page(page.source)) == matrix.expected(who)


def test_a_customer_without_access_is_refused_the_list_and_gets_the_no_access_page(stack, matrix):
    who = ("w1", "north", "none")
    client = matrix.client(stack, who)
    assert_error(client.get("/api/portal/issues"), 403, "forbidden")
    page = assert_html(client.get("/"))
    assert "You have no access to issues here" in page.text
    assert matrix.customers[who]["email"] in page.text
    me = json_of(client.get("/api/portal/me"))
    assert me["accessLevel"] == "none"


def test_me_reports_the_effective_access_level(stack, matrix):
    for who in CUSTOMERS:
        me = json_of(matrix.client(stack, who).get("/api/portal/me"))
        assert me["object"] == "portal_customer"
        assert me["email"] == matrix.customers[who]["email"]
        assert me["accessLevel"] == matrix.level(who), who
        assert me["company"] == {"name": f"{who[1].title()} {who[0]}"}


# -- the matrix: by reference ----------------------------------------------------------------------------

@pytest.mark.parametrize("who", CUSTOMERS, ids=CUSTOMER_IDS)
def test_every_reference_outside_the_scope_answers_exactly_like_a_missing_one(stack, matrix, who):
    ws = who[0]
    client = matrix.client(stack, who)
    missing_json = client.get(f"/api/portal/issues/{MISSING_REF}")
    assert_error(missing_json, 404, "not_found")
    expected = matrix.expected(who)
    for ref in sorted(matrix.all_refs()):
        response = client.get(f"/api/portal/issues/{ref}")
        if ref in expected:
            assert response.status_code == 200, f"{ref}: {response.status_code} {response.text[:300]}"
            body = json_of(response)
            assert body["ref"] == ref
            # The issue of the customer's own workspace, never the other one with the same number.
            assert body["title"] == matrix.issue(ws, ref).title
        else:
            assert response.status_code == 404, f"{who} must not see {ref}: {response.status_code} {response.text[:300]}"
            assert response.content == missing_json.content, ref
            own = matrix.issue(ws, ref)
            if own is not None:
                assert own.title not in response.text


@pytest.mark.parametrize("who", CUSTOMERS, ids=CUSTOMER_IDS)
def test_every_issue_page_outside_the_scope_is_the_same_404_page(stack, matrix, who):
    ws = who[0]
    client = matrix.client(stack, who)
    missing = client.get(f"/issues/{MISSING_REF}")
    # A customer without access gets the no-access page for every reference, missing or not.
    assert missing.status_code == (200 if matrix.level(who) == "none" else 404)
    expected = matrix.expected(who)
    for ref in sorted(matrix.all_refs()):
        response = client.get(f"/issues/{ref}")
        if ref in expected:
            page = assert_html(response)
            assert matrix.issue(ws, ref).title in page.text
        else:
            assert response.status_code == missing.status_code, f"{who} must not see the page of {ref}"
            assert response.text == missing.text, ref


def test_references_that_exist_only_in_another_workspace_are_404(stack, matrix):
    only_in_w2 = {issue.ref for issue in matrix.issues["w2"]} - {issue.ref for issue in matrix.issues["w1"]}
    assert only_in_w2
    admin = matrix.client(stack, ("w1", "north", "admin"))
    for ref in sorted(only_in_w2):
        assert_error(admin.get(f"/api/portal/issues/{ref}"), 404, "not_found")
        assert admin.get(f"/issues/{ref}").status_code == 404


def test_the_seeded_workspaces_never_see_each_others_issues(stack):
    grace = customer_client(stack, "globex", "grace@cypress.test")
    titles = [issue["title"] for issue in json_of(grace.get("/api/portal/issues?limit=100"))["issues"]]
    assert "Globex-only issue" in titles
    alice = customer_client(stack, "acme", "alice@initech.test")
    acme_titles = [issue["title"] for issue in json_of(alice.get("/api/portal/issues?limit=100"))["issues"]]
    assert "Cannot export invoices to CSV" in acme_titles
    assert not set(titles) & set(acme_titles)
    # The same customer e-mail is unknown on another workspace's portal.
    stranger = customer_client(stack, "globex", "alice@initech.test")
    assert_error(stranger.get("/api/portal/me"), 401, "unauthorized")


# -- the matrix: search ----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", CUSTOMERS, ids=CUSTOMER_IDS)
def test_search_finds_exactly_the_visible_issues(stack, matrix, who):
    client = matrix.client(stack, who)
    forbidden_ok = matrix.level(who) == "none"
    expected = matrix.expected(who)
    # A word every issue of both workspaces carries in its title.
    assert set(listed_refs(client, f"q={matrix.common_word}&limit=100", may_be_forbidden=forbidden_ok)) == expected
    for ws in WORKSPACES:
        for issue in matrix.issues[ws]:
            hit = {issue.ref} if ws == who[0] and issue.ref in expected else set()
            assert set(listed_refs(client, f"q={issue.title_word}", may_be_forbidden=forbidden_ok)) == hit, \
                f"title search for {issue.ref} of {ws}"
            assert set(listed_refs(client, f"q={issue.description_word}", may_be_forbidden=forbidden_ok)) == hit, \
                f"description search for {issue.ref} of {ws}"


@pytest.mark.parametrize("who", [customer for customer in CUSTOMERS if customer[2] != "none"],
                         ids=[name for name, customer in zip(CUSTOMER_IDS, CUSTOMERS) if customer[2] != "none"])
def test_the_html_search_box_finds_exactly_the_visible_issues(stack, matrix, who):
    client = matrix.client(stack, who)
    page = assert_html(client.get(f"/?q={matrix.common_word}"))
    assert set(refs_in_list_page(page.source)) == matrix.expected(who)
    assert page.form(method="get").value("q") == matrix.common_word
    other_ws = "w2" if who[0] == "w1" else "w1"
    foreign = matrix.issues[other_ws][0]
    assert refs_in_list_page(client.get(f"/?q={foreign.title_word}").text) == []


# -- the matrix: cursor walks --------------------------------------------------------------------------

@pytest.mark.parametrize("limit", [1, 2])
@pytest.mark.parametrize("who", [customer for customer in CUSTOMERS if customer[2] != "none"],
                         ids=[name for name, customer in zip(CUSTOMER_IDS, CUSTOMERS) if customer[2] != "none"])
def test_a_cursor_walk_visits_every_visible_issue_once_in_list_order(stack, matrix, who, limit):
    client = matrix.client(stack, who)
    full = listed_refs(client, may_be_forbidden=False)
    pages = walk(client, limit)
    walked = [ref for page in pages for ref in page]
    assert walked == full
    assert set(walked) == matrix.expected(who)
    assert len(pages) == max(1, -(-len(full) // limit)), pages
    # The search filter walks the same way.
    searched = [ref for page in walk(client, limit, f"q={matrix.common_word}") for ref in page]
    assert searched == full


def test_the_html_list_pages_through_the_same_issues(stack, matrix):
    who = ("w1", "north", "admin")
    client = matrix.client(stack, who)
    expected = listed_refs(client, may_be_forbidden=False)
    seen, path = [], "/?limit=2"
    for _ in range(20):
        page = assert_html(client.get(path))
        seen += refs_in_list_page(page.source)
        next_links = [element for element in page.elements if element[0] == "a" and element[1].get("rel") == "next"]
        if not next_links:
            break
        path = next_links[0][1]["href"]
        assert path.startswith("/?") and "cursor=" in path
    assert seen == expected


# -- changing access -------------------------------------------------------------------------------------

def admin_api(stack, matrix, ws: str):
    return stack.client(APP_HOST, key=matrix.keys[ws])


def test_the_default_access_decides_what_a_customer_without_a_level_sees(stack, matrix):
    api = admin_api(stack, matrix, "w1")
    unset, member = ("w1", "north", "unset"), ("w1", "north", "member")
    client = matrix.client(stack, unset)
    customer_id = matrix.customers[unset]["id"]
    try:
        assert set(listed_refs(client, may_be_forbidden=False)) == matrix.expected(unset, "member")

        save_settings(api, lambda document: document.update(defaultAccess="admin"))
        assert set(listed_refs(client, may_be_forbidden=False)) == matrix.expected(unset, "admin")
        assert len(matrix.expected(unset, "admin")) > len(matrix.expected(unset, "member"))
        assert json_of(client.get("/api/portal/me"))["accessLevel"] == "admin"
        access = json_of(api.get(f"/api/account/customers/{customer_id}/portal-access"))
        assert (access["level"], access["effectiveLevel"]) == (None, "admin")
        # Customers with their own level are not affected.
        assert set(listed_refs(matrix.client(stack, member), may_be_forbidden=False)) == matrix.expected(member)
        colleague = next(iter(matrix.expected(member)))
        assert client.get(f"/api/portal/issues/{colleague}").status_code == 200

        save_settings(api, lambda document: document.update(defaultAccess="none"))
        assert_error(client.get("/api/portal/issues"), 403, "forbidden")
        for ref in matrix.expected(unset, "admin"):
            assert_error(client.get(f"/api/portal/issues/{ref}"), 404, "not_found")
        assert "You have no access to issues here" in assert_html(client.get("/")).text
        assert set(listed_refs(matrix.client(stack, member), may_be_forbidden=False)) == matrix.expected(member)
    finally:
        save_settings(api, lambda document: document.update(defaultAccess="member"))
    assert set(listed_refs(client, may_be_forbidden=False)) == matrix.expected(unset, "member")
    api.close()


def test_setting_a_customers_access_to_none_removes_every_issue_at_once(stack, matrix):
    api = admin_api(stack, matrix, "w1")
    who = ("w1", "south", "admin")
    customer_id = matrix.customers[who]["id"]
    client = matrix.client(stack, who)
    visible = matrix.expected(who)
    assert set(listed_refs(client, may_be_forbidden=False)) == visible
    try:
        response = api.put(f"/api/account/customers/{customer_id}/portal-access", json={"level": "none"})
        assert response.status_code == 200, response.text
        assert json_of(response)["effectiveLevel"] == "none"
        assert_error(client.get("/api/portal/issues"), 403, "forbidden")
        for ref in visible:
            assert_error(client.get(f"/api/portal/issues/{ref}"), 404, "not_found")
            page = assert_html(client.get(f"/issues/{ref}"))
            assert "You have no access to issues here" in page.text
            assert matrix.issue("w1", ref).title not in page.source
        assert "You have no access to issues here" in assert_html(client.get("/")).text
        assert_error(client.post(f"/api/portal/issues/{sorted(visible)[0]}/messages", json={"body": "Still here?"}),
                     404, "not_found")
    finally:
        restored = api.put(f"/api/account/customers/{customer_id}/portal-access", json={"level": "admin"})
        assert restored.status_code == 200, restored.text
    assert set(listed_refs(client, may_be_forbidden=False)) == visible
    api.close()


def test_a_null_level_falls_back_to_the_workspace_default(stack, matrix):
    api = admin_api(stack, matrix, "w2")
    who = ("w2", "north", "admin")
    customer_id = matrix.customers[who]["id"]
    client = matrix.client(stack, who)
    try:
        response = api.put(f"/api/account/customers/{customer_id}/portal-access", json={"level": None})
        assert response.status_code == 200, response.text
        body = json_of(response)
        assert (body["level"], body["effectiveLevel"]) == (None, "member")
        assert set(listed_refs(client, may_be_forbidden=False)) == matrix.expected(who, "member")
    finally:
        api.put(f"/api/account/customers/{customer_id}/portal-access", json={"level": "admin"})
    assert set(listed_refs(client, may_be_forbidden=False)) == matrix.expected(who)
    api.close()


# -- the portal-access API --------------------------------------------------------------------------------

def test_portal_access_reads_the_own_and_the_effective_level(stack, matrix):
    api = admin_api(stack, matrix, "w1")
    for who in [c for c in CUSTOMERS if c[0] == "w1"]:
        customer = matrix.customers[who]
        response = api.get(f"/api/account/customers/{customer['id']}/portal-access")
        assert response.status_code == 200, response.text
        assert json_of(response) == {
            "object": "portal_access", "customerId": customer["id"], "email": customer["email"],
            "level": None if who[2] == "unset" else who[2], "effectiveLevel": matrix.level(who),
        }
    api.close()


def test_portal_access_changes_are_audited_with_before_and_after(stack, matrix):
    api = admin_api(stack, matrix, "w2")
    who = ("w2", "south", "member")
    customer = matrix.customers[who]
    try:
        assert api.put(f"/api/account/customers/{customer['id']}/portal-access", json={"level": "admin"}).status_code == 200
        events = json_of(api.get("/api/account/audit?limit=5"))["events"]
        event = events[0]
        assert event["object"] == "audit_event"
        assert event["action"] == "customer.portal_access.updated"
        assert event["target"] == f"customer:{customer['id']}"
        assert event["details"]["before"] == "member" and event["details"]["after"] == "admin"
        assert event["actor"]["type"] == "api_key"
    finally:
        api.put(f"/api/account/customers/{customer['id']}/portal-access", json={"level": "member"})
    events = json_of(api.get("/api/account/audit?limit=1"))["events"]
    assert (events[0]["details"]["before"], events[0]["details"]["after"]) == ("admin", "member")
    api.close()


@pytest.mark.parametrize("body, field", [
    ({"level": "owner"}, "level"),
    ({"level": 1}, "level"),
    ({}, "level"),
    ({"level": "admin", "extra": True}, "extra"),
])
def test_portal_access_refuses_a_bad_level(stack, matrix, body, field):
    api = admin_api(stack, matrix, "w1")
    customer = matrix.customers[("w1", "north", "member")]
    response = api.put(f"/api/account/customers/{customer['id']}/portal-access", json=body)
    error = assert_error(response, 422, "validation_failed")
    assert field in [entry["field"] for entry in error["fields"]]
    assert json_of(api.get(f"/api/account/customers/{customer['id']}/portal-access"))["level"] == "member"
    api.close()


def test_portal_access_of_another_workspaces_customer_is_404(stack, matrix):
    api = admin_api(stack, matrix, "w1")
    foreign = matrix.customers[("w2", "north", "member")]
    assert_error(api.get(f"/api/account/customers/{foreign['id']}/portal-access"), 404, "not_found")
    assert_error(api.put(f"/api/account/customers/{foreign['id']}/portal-access", json={"level": "none"}), 404, "not_found")
    assert_error(api.get("/api/account/customers/99999999/portal-access"), 404, "not_found")
    other = admin_api(stack, matrix, "w2")
    assert json_of(other.get(f"/api/account/customers/{foreign['id']}/portal-access"))["level"] == "member"
    api.close()
    other.close()


def test_portal_access_needs_customers_write_to_change(stack, matrix):
    read_only = stack.create_api_key(matrix.slugs["w1"], unique("reader"), permissions=["customers.read"])
    client = stack.client(APP_HOST, key=read_only)
    customer = matrix.customers[("w1", "north", "member")]
    assert client.get(f"/api/account/customers/{customer['id']}/portal-access").status_code == 200
    assert_error(client.put(f"/api/account/customers/{customer['id']}/portal-access", json={"level": "member"}),
                 403, "forbidden")
    assert_error(client.put(f"/api/account/customers/{customer['id']}/portal-access", json={"level": "admin"}),
                 403, "forbidden")
    anonymous = stack.client(APP_HOST)
    assert_error(anonymous.get(f"/api/account/customers/{customer['id']}/portal-access"), 401, "unauthorized")
    assert json_of(admin_api(stack, matrix, "w1").get(
        f"/api/account/customers/{customer['id']}/portal-access"))["level"] == "member"
    client.close()
    anonymous.close()
