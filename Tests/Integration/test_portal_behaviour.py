"""The customer portal's JSON API and HTML pages (issue 4): edits, replies,
creation through forms, lists, sessions, CSRF and Origin checks, the
development header in production, branding, the no-access and unavailable
pages — and every bad input the issue lists.

A fresh workspace "shop" is built for this module: custom fields of every
type, settings with labels, visible/hidden/editable fields and forms, and
three customers (admin, member, none) of one company.
"""

from __future__ import annotations

import re
import subprocess
import uuid

import pytest

from conftest import APP_HOST, BIN_DIR, BASE_DOMAIN, assert_error, json_of, portal_host
from portal_support import (PORTAL_COOKIE, SupportData, age_portal_session, assert_cookie_cleared, assert_html,
                            assert_session_cookie_flags, cookie_client, cookie_named, customer_client,
                            define_custom_fields, dev_session, form_field, make_workspace, parse_html, portal_form,
                            refs_in_list_page, save_settings, session_client, word)

CUSTOM_FIELDS = [
    {"key": "env", "label": "Environment", "type": "select", "options": ["prod", "staging"]},
    {"key": "seats", "label": "Seats", "type": "number", "options": []},
    {"key": "ratio", "label": "Ratio", "type": "decimal", "options": []},
    {"key": "due", "label": "Due date", "type": "date", "options": []},
    {"key": "site", "label": "Website", "type": "url", "options": []},
    {"key": "contact", "label": "Contact", "type": "email", "options": []},
    {"key": "areas", "label": "Areas", "type": "multi-select", "options": ["api", "ui", "billing"]},
    {"key": "urgent", "label": "Urgent", "type": "boolean", "options": []},
    {"key": "secret", "label": "Secret", "type": "text", "options": []},
    {"key": "ref_no", "label": "Reference number", "type": "text", "options": []},
]
ACCENT = "#b45309"
LABELS = {"new": "Received", "waiting_on_customer": "Your turn", "waiting_on_team": "Our turn"}


class Shop:
    slug: str
    key: str
    name: str
    emails: dict
    names: dict
    issues: dict  # name → issue JSON (support API)
    data: SupportData

    def client(self, stack, who: str = "member"):
        return customer_client(stack, self.slug, self.emails[who])

    @property
    def host(self) -> str:
        return portal_host(self.slug)

    def support_issue(self, ref: str) -> dict:
        return self.data.get_issue(ref)

    def issue_count(self) -> int:
        return len(json_of(self.data.api.get("/api/v1/issues?limit=100"))["issues"])


@pytest.fixture(scope="module")
def shop(stack):
    result = Shop()
    result.slug, result.key = make_workspace(stack, "shop")
    define_custom_fields(stack, result.slug, CUSTOM_FIELDS)
    result.name = f"Shop Helpdesk {uuid.uuid4().hex[:6]}"
    result.data = SupportData(stack, result.key)

    def configure(document):
        document.update(
            name=result.name, accentColor=ACCENT,
            headerLinks=[{"label": "Status page", "url": "https://status.shop.example"}],
            footerSections=[{"title": "Legal", "links": [{"label": "Privacy policy", "url": "https://shop.example/privacy"}]}],
            issueFields=[
                {"key": "title", "visible": True, "editable": True},
                {"key": "description", "visible": True, "editable": False},
                {"key": "status", "visible": True, "editable": False},
                {"key": "priority", "visible": True, "editable": True},
                {"key": "requester", "visible": True, "editable": False},
                {"key": "tasks", "visible": True, "editable": False},
                {"key": "createdAt", "visible": True, "editable": False},
                {"key": "updatedAt", "visible": True, "editable": False},
                {"key": "cf.env", "visible": True, "editable": True},
                {"key": "cf.seats", "visible": True, "editable": True},
                {"key": "cf.due", "visible": True, "editable": True},
                {"key": "cf.ref_no", "visible": True, "editable": False},
            ],
            issueStatusLabels=LABELS, taskStatusLabels={"in_progress": "Underway"},
            forms=[
                portal_form("everything", "Everything form", [
                    form_field("title", "Summary", "text", required=True),
                    form_field("description", "What happened", "textarea"),
                    form_field("cf.env", "Environment", "select", required=True, options=["prod", "staging"]),
                    form_field("cf.seats", "Seats", "number"),
                    form_field("cf.ratio", "Ratio", "decimal"),
                    form_field("cf.due", "Due", "date", required=True),
                    form_field("cf.site", "Website", "url"),
                    form_field("cf.contact", "Contact", "email"),
                    form_field("cf.areas", "Areas", "multi-select", options=["api", "ui"]),
                    form_field("cf.urgent", "Urgent", "boolean"),
                ], description="Every field type."),
                portal_form("quick", "Quick question", [form_field("title", "Question", "text", required=True)]),
                portal_form("off", "Retired form", [form_field("title", "Subject", "text", required=True)], enabled=False),
            ])

    save_settings(result.data.api, configure)
    company = result.data.company("Shop Customer Co")
    result.emails, result.names, customers = {}, {}, {}
    for who, access in [("admin", "admin"), ("member", "member"), ("none", "none"), ("colleague", "member")]:
        result.emails[who] = f"{who}.{uuid.uuid4().hex[:6]}@shop-customer.test"
        result.names[who] = f"{who.title()} Shopper"
        customers[who] = result.data.customer(result.emails[who], result.names[who], company["id"], access)
    result.customers = customers
    result.issues = {
        "waiting": result.data.issue(customers["member"]["id"], "Waiting on the customer", "Please answer (shopword)",
                                     status="waiting_on_customer", priority="normal",
                                     customFields={"secret": "hidden value", "ref_no": "R-1", "env": "prod"}),
        "open": result.data.issue(customers["member"]["id"], "An open issue", "Open description (shopword)", status="open"),
        "editable": result.data.issue(customers["member"]["id"], "Editable issue", "Edit me (shopword)", status="open",
                                      priority="low"),
        "colleague": result.data.issue(customers["colleague"]["id"], "The colleague's issue", "Not the member's"),
    }
    result.data.task(result.issues["open"]["id"], "Look into it", "in_progress")
    yield result
    result.data.close()


def field_names(body: dict) -> set[str]:
    return {entry["field"] for entry in body.get("fields", [])}


# -- PATCH ------------------------------------------------------------------------------------------

def test_a_customer_changes_a_visible_editable_field(stack, shop):
    client = shop.client(stack)
    ref = shop.issues["editable"]["ref"]
    response = client.patch(f"/api/portal/issues/{ref}", json={"title": "Renamed by the customer", "priority": "high",
                                                                 "cf.seats": 12})
    assert response.status_code == 200, response.text
    body = json_of(response)
    assert body["title"] == "Renamed by the customer"
    assert body["priority"] == "High"
    stored = shop.support_issue(ref)
    assert (stored["title"], stored["priority"], stored["customFields"].get("seats")) == ("Renamed by the customer", "high", 12)


@pytest.mark.parametrize("change, fields", [
    ({"description": "changed"}, {"description"}),            # visible, not editable
    ({"status": "closed"}, {"status"}),                        # never editable
    ({"requester": "someone@else.test"}, {"requester"}),
    ({"company": "Other Co"}, {"company"}),
    ({"tags": ["vip"]}, {"tags"}),                             # hidden
    ({"notes": "internal"}, {"notes"}),                        # not a field at all
    ({"cf.secret": "guess"}, {"cf.secret"}),                   # hidden custom field
    ({"cf.ref_no": "R-2"}, {"cf.ref_no"}),                     # visible custom field, not editable
    ({"cf.nope": "x"}, {"cf.nope"}),
    ({"title": "Sneaky rename", "status": "closed"}, {"status"}),  # all or nothing
    ({"priority": "critical"}, {"priority"}),
    ({"title": ""}, {"title"}),
    ({"cf.seats": "many"}, {"cf.seats"}),
    ({"cf.due": "2026-02-30"}, {"cf.due"}),
    ({"cf.env": "mars"}, {"cf.env"}),
    ({}, {"body"}),
])
def test_a_patch_of_a_hidden_or_non_editable_field_is_422_and_changes_nothing(stack, shop, change, fields):
    client = shop.client(stack)
    ref = shop.issues["waiting"]["ref"]
    before = shop.support_issue(ref)
    body = assert_error(client.patch(f"/api/portal/issues/{ref}", json=change), 422, "validation_failed")
    assert field_names(body) == fields
    assert shop.support_issue(ref) == before


def test_a_patch_outside_the_scope_is_404(stack, shop):
    client = shop.client(stack)
    ref = shop.issues["colleague"]["ref"]
    assert_error(client.patch(f"/api/portal/issues/{ref}", json={"title": "Mine now"}), 404, "not_found")
    assert shop.support_issue(ref)["title"] == "The colleague's issue"


# -- replies -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", ["", "   \n\t ", "x" * 20001], ids=["empty", "blank", "20001-chars"])
def test_a_reply_of_nothing_or_over_20000_characters_is_422(stack, shop, body):
    client = shop.client(stack)
    ref = shop.issues["open"]["ref"]
    before = len(json_of(client.get(f"/api/portal/issues/{ref}"))["messages"])
    error = assert_error(client.post(f"/api/portal/issues/{ref}/messages", json={"body": body}), 422, "validation_failed")
    assert field_names(error) == {"body"}
    assert len(json_of(client.get(f"/api/portal/issues/{ref}"))["messages"]) == before


@pytest.mark.parametrize("payload", [{}, {"body": 5}, {"body": None}, {"body": "hi", "role": "support"}])
def test_a_reply_that_is_not_a_text_body_is_422(stack, shop, payload):
    client = shop.client(stack)
    ref = shop.issues["open"]["ref"]
    assert_error(client.post(f"/api/portal/issues/{ref}/messages", json=payload), 422, "validation_failed")


def test_a_reply_of_exactly_20000_characters_is_accepted_as_a_customer_message(stack, shop):
    client = shop.client(stack)
    ref = shop.issues["open"]["ref"]
    response = client.post(f"/api/portal/issues/{ref}/messages", json={"body": "y" * 20000})
    assert response.status_code == 201, response.text[:300]
    message = json_of(response)
    assert message["object"] == "portal_message"
    assert (message["role"], message["authorName"], len(message["body"])) == ("customer", shop.names["member"], 20000)
    assert json_of(client.get(f"/api/portal/issues/{ref}"))["messages"][-1]["body"] == "y" * 20000
    support_side = json_of(shop.data.api.get(f"/api/v1/issues/{ref}/messages?limit=100"))["messages"]
    assert support_side[-1]["role"] == "customer"


def test_a_customer_reply_on_waiting_on_customer_moves_the_issue_to_waiting_on_team(stack, shop):
    client = shop.client(stack)
    issue = shop.data.issue(shop.customers["member"]["id"], "Needs an answer", "", status="waiting_on_customer")
    ref = issue["ref"]
    assert json_of(client.get(f"/api/portal/issues/{ref}"))["status"] == {"label": "Your turn"}
    response = client.post(f"/api/portal/issues/{ref}/messages", json={"body": "Here is my answer."})
    assert response.status_code == 201, response.text
    assert json_of(client.get(f"/api/portal/issues/{ref}"))["status"] == {"label": "Our turn"}
    assert shop.support_issue(ref)["status"] == "waiting_on_team"


def test_a_customer_reply_leaves_other_statuses_alone(stack, shop):
    client = shop.client(stack)
    issue = shop.data.issue(shop.customers["member"]["id"], "Already open", "", status="open")
    assert client.post(f"/api/portal/issues/{issue['ref']}/messages", json={"body": "More details."}).status_code == 201
    assert shop.support_issue(issue["ref"])["status"] == "open"
    assert json_of(client.get(f"/api/portal/issues/{issue['ref']}"))["status"] == {"label": "Open"}


def test_a_reply_outside_the_scope_is_404(stack, shop):
    client = shop.client(stack)
    assert_error(client.post(f"/api/portal/issues/{shop.issues['colleague']['ref']}/messages", json={"body": "Hi"}),
                 404, "not_found")
    assert_error(client.post("/api/portal/issues/ISS-999999/messages", json={"body": "Hi"}), 404, "not_found")


# -- creation through forms ---------------------------------------------------------------------------

VALID_EVERYTHING = {"title": "Checkout is broken", "description": "It fails at step 3.", "cf.env": "staging",
                    "cf.seats": 3, "cf.ratio": 1.5, "cf.due": "2026-12-24", "cf.site": "https://shop.example/cart",
                    "cf.contact": "Ops@Shop-Customer.test", "cf.areas": ["api", "ui"], "cf.urgent": True}


def test_an_issue_is_created_through_an_enabled_form_with_the_customer_as_requester(stack, shop):
    client = shop.client(stack)
    response = client.post("/api/portal/issues", json={"formKey": "everything", "fields": VALID_EVERYTHING})
    assert response.status_code == 201, response.text
    body = json_of(response)
    assert body["object"] == "portal_issue"
    assert re.fullmatch(r"ISS-\d+", body["ref"])
    assert body["title"] == "Checkout is broken"
    assert body["status"] == {"label": "Received"}  # the workspace's initial status, labelled
    assert body["requester"] == {"name": shop.names["member"]}
    stored = shop.support_issue(body["ref"])
    assert stored["customerId"] == shop.customers["member"]["id"]
    assert stored["companyId"] == shop.customers["member"]["companyId"]
    assert (stored["status"], stored["formKey"], stored["description"]) == ("new", "everything", "It fails at step 3.")
    assert stored["customFields"] == {"env": "staging", "seats": 3, "ratio": 1.5, "due": "2026-12-24",
                                      "site": "https://shop.example/cart", "contact": "ops@shop-customer.test",
                                      "areas": ["api", "ui"], "urgent": True}
    assert body["ref"] in [issue["ref"] for issue in json_of(client.get("/api/portal/issues?limit=100"))["issues"]]


def test_every_mistyped_form_field_is_listed_at_once_and_nothing_is_created(stack, shop):
    client = shop.client(stack)
    before = shop.issue_count()
    fields = {"title": "Typed wrong", "cf.env": "mars", "cf.seats": "3x", "cf.ratio": "abc", "cf.due": "24/12/2026",
              "cf.site": "javascript:alert(1)", "cf.contact": "not-an-email", "cf.areas": ["api", "nope"],
              "cf.urgent": "yes"}
    body = assert_error(client.post("/api/portal/issues", json={"formKey": "everything", "fields": fields}),
                        422, "validation_failed")
    assert field_names(body) == {"fields.cf.env", "fields.cf.seats", "fields.cf.ratio", "fields.cf.due", "fields.cf.site",
                                 "fields.cf.contact", "fields.cf.areas", "fields.cf.urgent"}
    assert shop.issue_count() == before


@pytest.mark.parametrize("key, value", [
    ("cf.env", "Prod"), ("cf.seats", 1.5), ("cf.seats", "3"), ("cf.due", "2026-13-01"), ("cf.due", "tomorrow"),
    ("cf.due", 20261224), ("cf.ratio", "1.5"), ("cf.site", "ftp://shop.example"), ("cf.areas", "api"), ("title", 42),
])
def test_a_form_value_of_the_wrong_type_is_422(stack, shop, key, value):
    client = shop.client(stack)
    fields = dict(VALID_EVERYTHING, **{key: value})
    body = assert_error(client.post("/api/portal/issues", json={"formKey": "everything", "fields": fields}),
                        422, "validation_failed")
    assert field_names(body) == {f"fields.{key}"}


def test_missing_required_form_fields_are_all_listed(stack, shop):
    client = shop.client(stack)
    body = assert_error(client.post("/api/portal/issues", json={"formKey": "everything", "fields": {"title": "   "}}),
                        422, "validation_failed")
    assert field_names(body) == {"fields.title", "fields.cf.env", "fields.cf.due"}


@pytest.mark.parametrize("payload, fields", [
    ({"formKey": "everything", "fields": dict(VALID_EVERYTHING, **{"cf.secret": "x"})}, {"fields.cf.secret"}),
    ({"formKey": "quick", "fields": {"title": "Q", "status": "closed"}}, {"fields.status"}),
    ({"formKey": "quick", "fields": {"title": "Q"}, "status": "closed"}, {"status"}),
    ({"formKey": "quick"}, {"fields"}),
    ({"fields": {"title": "Q"}}, {"formKey"}),
    ({"formKey": "off", "fields": {"title": "Q"}}, {"formKey"}),
    ({"formKey": "nope", "fields": {"title": "Q"}}, {"formKey"}),
])
def test_creation_refuses_unknown_fields_and_disabled_or_unknown_forms(stack, shop, payload, fields):
    client = shop.client(stack)
    before = shop.issue_count()
    body = assert_error(client.post("/api/portal/issues", json=payload), 422, "validation_failed")
    assert fields <= field_names(body), body
    assert shop.issue_count() == before


def test_a_disabled_or_unknown_form_page_is_404(stack, shop):
    client = shop.client(stack)
    for path in ["/new/off", "/new/nope", "/new/OFF"]:
        assert client.get(path).status_code == 404, path
    before = shop.issue_count()
    assert client.post("/new/off", data={"title": "Via a retired form"}).status_code == 404
    assert shop.issue_count() == before
    page = assert_html(client.get("/new"))
    links = {element[1].get("href") for element in page.elements if element[0] == "a"}
    assert {"/new/everything", "/new/quick"} <= links
    assert "/new/off" not in links and "Retired form" not in page.text


def test_a_customer_without_access_cannot_create_issues(stack, shop):
    client = shop.client(stack, "none")
    before = shop.issue_count()
    response = client.post("/api/portal/issues", json={"formKey": "quick", "fields": {"title": "Let me in"}})
    assert_error(response, 403, "forbidden")
    assert shop.issue_count() == before


# -- lists: q, limit, cursor ---------------------------------------------------------------------------

def test_a_search_of_1000_characters_is_422(stack, shop):
    client = shop.client(stack)
    body = assert_error(client.get("/api/portal/issues?q=" + "a" * 1000), 422, "validation_failed")
    assert field_names(body) == {"q"}
    assert client.get("/?q=" + "a" * 1000).status_code == 422
    assert client.get("/api/portal/issues?q=" + "a" * 200).status_code == 200


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "1.5"])
def test_a_limit_outside_1_to_100_is_422(stack, shop, limit):
    body = assert_error(shop.client(stack).get(f"/api/portal/issues?limit={limit}"), 422, "validation_failed")
    assert field_names(body) == {"limit"}


def test_the_status_filter_uses_customer_facing_labels(stack, shop):
    client = shop.client(stack)
    waiting = [issue["ref"] for issue in json_of(client.get("/api/portal/issues?status=Your turn&limit=100"))["issues"]]
    assert shop.issues["waiting"]["ref"] in waiting
    assert shop.issues["open"]["ref"] not in waiting
    assert json_of(client.get("/api/portal/issues?status=waiting_on_customer"))["issues"] == []
    page = assert_html(client.get("/?status=Your+turn"))
    assert shop.issues["waiting"]["ref"] in refs_in_list_page(page.source)
    options = [value for value, _ in page.form(method="get").control("status").options]
    assert options[:4] == ["", "Received", "Open", "Your turn"]
    assert "waiting_on_customer" not in page.source


def cursor_of(client, params: str = "limit=1") -> str:
    body = json_of(client.get(f"/api/portal/issues?{params}"))
    assert body["hasMore"] and body["nextCursor"], body
    return body["nextCursor"]


def test_a_cursor_from_another_query_is_422(stack, shop):
    client = shop.client(stack)
    plain = cursor_of(client)
    assert client.get(f"/api/portal/issues?limit=1&cursor={plain}").status_code == 200
    for params in [f"q=shopword&limit=1&cursor={plain}", f"status=Open&limit=1&cursor={plain}"]:
        assert field_names(assert_error(client.get(f"/api/portal/issues?{params}"), 422, "validation_failed")) == {"cursor"}
    searched = cursor_of(client, "q=shopword&limit=1")
    assert_error(client.get(f"/api/portal/issues?limit=1&cursor={searched}"), 422, "validation_failed")
    # Another customer's cursor, a support-API cursor, and garbage.
    colleague = customer_client(stack, shop.slug, shop.emails["admin"])
    assert_error(colleague.get(f"/api/portal/issues?limit=1&cursor={plain}"), 422, "validation_failed")
    support_cursor = json_of(shop.data.api.get("/api/v1/issues?limit=1"))["nextCursor"]
    assert_error(client.get(f"/api/portal/issues?limit=1&cursor={support_cursor}"), 422, "validation_failed")
    for garbage in ["abc", "x" * 600, "%00", "cG9ydGFsfDF8fHwxLjE"]:
        assert_error(client.get(f"/api/portal/issues?limit=1&cursor={garbage}"), 422, "validation_failed")
    assert client.get(f"/?limit=1&cursor={searched}").status_code == 422


def test_a_cursor_from_another_workspace_is_422(stack, shop):
    bob = customer_client(stack, "acme", "bob@initech.test")
    foreign = cursor_of(bob)
    assert_error(shop.client(stack).get(f"/api/portal/issues?limit=1&cursor={foreign}"), 422, "validation_failed")


# -- sessions -------------------------------------------------------------------------------------------

def forged_token() -> str:
    return (uuid.uuid4().hex + uuid.uuid4().hex)[:43]


@pytest.mark.parametrize("cookie", ["forged", "malformed"])
def test_a_forged_session_cookie_is_401_for_json_and_clears_the_cookie(stack, shop, cookie):
    token = forged_token() if cookie == "forged" else "not-a-token"
    client = cookie_client(stack, shop.host, PORTAL_COOKIE, token)
    for path in ["/api/portal/me", "/api/portal/issues"]:
        response = client.get(path)
        assert_error(response, 401, "unauthorized")
        assert_cookie_cleared(response, PORTAL_COOKIE)
    response = client.post("/api/portal/issues", json={"formKey": "quick", "fields": {"title": "Forged"}})
    assert_error(response, 401, "unauthorized")


@pytest.mark.parametrize("path", ["/", "/issues/ISS-1001", "/new", "/new/quick"])
def test_a_forged_session_cookie_sends_pages_to_the_login_page_and_clears_the_cookie(stack, shop, path):
    client = cookie_client(stack, shop.host, PORTAL_COOKIE, forged_token())
    response = client.get(path)
    assert response.status_code in (302, 303), response.status_code
    assert response.headers["Location"].startswith("/login")
    assert_cookie_cleared(response, PORTAL_COOKIE)
    login = assert_html(client.get(response.headers["Location"]))
    assert shop.name in login.text


def test_without_any_session_the_api_is_401_and_pages_redirect_to_login(stack, shop):
    client = customer_client(stack, shop.slug)
    assert_error(client.get("/api/portal/me"), 401, "unauthorized")
    response = client.get("/issues/ISS-1001?x=1")
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == "/login?next=%2Fissues%2FISS-1001%3Fx%3D1"
    # The public branding and the sign-in page need no session.
    config = json_of(client.get("/api/portal/config"))
    assert (config["object"], config["name"], config["accentColor"]) == ("portal_config", shop.name, ACCENT)
    assert config["auth"] == {"mode": "otp"}
    assert assert_html(client.get("/login")).by_class("brand-name")[0][2] == shop.name


@pytest.mark.parametrize("how", ["idle for 9 hours", "past the absolute expiry"])
def test_an_expired_session_is_401_and_the_login_page(stack, shop, how):
    token = dev_session(stack, shop.slug, shop.emails["member"])
    client = cookie_client(stack, shop.host, PORTAL_COOKIE, token)
    assert client.get("/api/portal/me").status_code == 200
    if how == "idle for 9 hours":
        age_portal_session(stack, token, idle_hours=9)
    else:
        age_portal_session(stack, token, past_absolute_expiry=True)
    response = client.get("/api/portal/me")
    assert_error(response, 401, "unauthorized")
    assert_cookie_cleared(response, PORTAL_COOKIE)
    page = client.get("/")
    assert page.status_code in (302, 303) and page.headers["Location"].startswith("/login")


def test_a_session_that_was_idle_for_7_hours_still_works(stack, shop):
    token = dev_session(stack, shop.slug, shop.emails["member"])
    age_portal_session(stack, token, idle_hours=7)
    assert cookie_client(stack, shop.host, PORTAL_COOKIE, token).get("/api/portal/me").status_code == 200


def test_a_session_belongs_to_its_own_workspace_portal(stack, shop):
    token = dev_session(stack, shop.slug, shop.emails["member"])
    elsewhere = cookie_client(stack, portal_host("acme"), PORTAL_COOKIE, token)
    assert_error(elsewhere.get("/api/portal/me"), 401, "unauthorized")
    assert cookie_client(stack, shop.host, PORTAL_COOKIE, token).get("/api/portal/me").status_code == 200


def test_signing_out_revokes_the_session_and_clears_the_cookie(stack, shop):
    client, csrf = session_client(stack, shop.slug, shop.emails["member"])
    refused = client.post("/logout", data={"_csrf": "wrong"})
    assert refused.status_code == 403
    assert client.get("/api/portal/me").status_code == 200
    response = client.post("/logout", data={"_csrf": csrf})
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == "/login"
    assert_cookie_cleared(response, PORTAL_COOKIE)
    assert_error(client.get("/api/portal/me"), 401, "unauthorized")


def test_the_json_logout_revokes_the_session(stack, shop):
    client, csrf = session_client(stack, shop.slug, shop.emails["member"])
    response = client.post("/api/portal/auth/logout", headers={"X-CSRF-Token": csrf})
    assert response.status_code in (200, 204), response.text
    assert_cookie_cleared(response, PORTAL_COOKIE)
    assert_error(client.get("/api/portal/me"), 401, "unauthorized")


# -- CSRF and Origin -----------------------------------------------------------------------------------

def test_a_form_post_without_the_csrf_token_is_403_and_does_nothing(stack, shop):
    client, csrf = session_client(stack, shop.slug, shop.emails["member"])
    ref = shop.issues["open"]["ref"]
    before = len(json_of(client.get(f"/api/portal/issues/{ref}"))["messages"])
    issues_before = shop.issue_count()
    for data in [{"body": "No token"}, {"body": "Wrong token", "_csrf": "x" * 43}, {"body": "Other", "_csrf": ""}]:
        assert client.post(f"/issues/{ref}/reply", data=data).status_code == 403
    assert client.post("/new/quick", data={"title": "No token"}).status_code == 403
    assert client.post(f"/issues/{ref}/fields", data={"title": "No token"}).status_code == 403
    # Even with a same-origin Origin a form must carry its token.
    origin = {"Origin": f"https://{shop.host}:{stack.https_port}"}
    assert client.post(f"/issues/{ref}/reply", data={"body": "Origin only"}, headers=origin).status_code == 403
    assert len(json_of(client.get(f"/api/portal/issues/{ref}"))["messages"]) == before
    assert shop.issue_count() == issues_before
    # Another session's token does not fit either.
    _, other_csrf = session_client(stack, shop.slug, shop.emails["member"])
    assert other_csrf != csrf
    assert client.post(f"/issues/{ref}/reply", data={"body": "Borrowed", "_csrf": other_csrf}).status_code == 403
    response = client.post(f"/issues/{ref}/reply", data={"body": "With the token", "_csrf": csrf})
    assert response.status_code in (302, 303)
    assert json_of(client.get(f"/api/portal/issues/{ref}"))["messages"][-1]["body"] == "With the token"


def test_a_cookie_json_write_from_another_origin_is_403(stack, shop):
    client, csrf = session_client(stack, shop.slug, shop.emails["member"])
    ref = shop.issues["open"]["ref"]
    count = lambda: len(json_of(client.get(f"/api/portal/issues/{ref}"))["messages"])  # noqa: E731
    before = count()
    bad_origins = [None, "https://evil.example", f"https://{portal_host('acme')}:{stack.https_port}",
                   f"http://{shop.host}:{stack.http_port}", "null"]
    for origin in bad_origins:
        headers = {"Origin": origin} if origin else {}
        assert_error(client.post(f"/api/portal/issues/{ref}/messages", json={"body": f"from {origin}"}, headers=headers),
                     403, "forbidden")
        assert_error(client.patch(f"/api/portal/issues/{ref}", json={"title": "Hijacked"}, headers=headers), 403, "forbidden")
        assert_error(client.post("/api/portal/issues", json={"formKey": "quick", "fields": {"title": "Hijacked"}},
                                 headers=headers), 403, "forbidden")
    assert_error(client.post(f"/api/portal/issues/{ref}/messages", json={"body": "x"}, headers={"X-CSRF-Token": "x" * 43}),
                 403, "forbidden")
    assert count() == before
    assert shop.support_issue(ref)["title"] == "An open issue"
    same_origin = {"Origin": f"https://{shop.host}:{stack.https_port}"}
    assert client.post(f"/api/portal/issues/{ref}/messages", json={"body": "Same origin"}, headers=same_origin).status_code == 201
    assert client.post(f"/api/portal/issues/{ref}/messages", json={"body": "Token"}, headers={"X-CSRF-Token": csrf}).status_code == 201
    assert count() == before + 2


@pytest.fixture
def production_worker(running_stack):
    """The worker restarted with PORTAL_ENV=production (hosts set), restored afterwards."""
    stack = running_stack
    development_env = stack.worker_env
    stack.stop_worker()
    stack.worker_env = lambda: {**development_env(), "PORTAL_ENV": "production", "PORTAL_APP_HOST": APP_HOST,
                                "PORTAL_BASE_DOMAIN": BASE_DOMAIN}
    try:
        stack.start_worker()
        yield stack
    finally:
        stack.stop_worker()
        del stack.worker_env
        stack.start_worker()


def test_the_development_header_is_ignored_in_production(production_worker, shop):
    stack = production_worker
    client = shop.client(stack)
    assert_error(client.get("/api/portal/me"), 401, "unauthorized")
    assert_error(client.get("/api/portal/issues"), 401, "unauthorized")
    assert_error(client.post(f"/api/portal/issues/{shop.issues['open']['ref']}/messages", json={"body": "prod"}),
                 401, "unauthorized")
    page = client.get("/")
    assert page.status_code in (302, 303) and page.headers["Location"].startswith("/login")
    # The admin tool refuses to mint sessions in production too.
    env = {**stack.base_env(), "PORTAL_ENV": "production", "PORTAL_APP_HOST": APP_HOST, "PORTAL_BASE_DOMAIN": BASE_DOMAIN}
    result = subprocess.run([str(BIN_DIR / "portal"), "dev-session", "--workspace", shop.slug, "--email",
                             shop.emails["member"]], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "production" in (result.stdout + result.stderr)


def test_the_development_header_works_outside_production(stack, shop):
    assert json_of(shop.client(stack).get("/api/portal/me"))["email"] == shop.emails["member"]
    # An unknown e-mail in the header is no session at all.
    assert_error(customer_client(stack, shop.slug, "nobody@nowhere.test").get("/api/portal/me"), 401, "unauthorized")


# -- pages --------------------------------------------------------------------------------------------

def assert_branded(page, name: str):
    """The settings' name (logo text, title), accent colour, header link and footer section."""
    assert [element[2] for element in page.by_class("brand-name")] == [name]
    title = next(element[2] for element in page.elements if element[0] == "title")
    assert title.endswith(f"· {name}"), title
    styles = [element[2] for element in page.elements if element[0] == "style"]
    assert any(f"--accent: {ACCENT};" in style for style in styles), styles
    links = {(element[1].get("href"), element[2]) for element in page.elements if element[0] == "a"}
    assert ("https://status.shop.example", "Status page") in links
    assert ("https://shop.example/privacy", "Privacy policy") in links
    assert "Legal" in [element[2] for element in page.elements if element[0] == "h2"]


def test_every_page_is_branded_with_the_settings(stack, shop):
    client = shop.client(stack)
    ref = shop.issues["open"]["ref"]
    for path in ["/", f"/issues/{ref}", "/new", "/new/everything", "/login"]:
        page = assert_html(client.get(path))
        assert_branded(page, shop.name)
        if path != "/login":
            assert page.texts_of_class("account-name") == [shop.names["member"]]


def test_the_list_page_shows_reference_title_status_label_and_update_time(stack, shop):
    page = assert_html(shop.client(stack).get("/"))
    rows = [element for element in page.elements if element[0] == "tr"]
    waiting = next(row for row in rows if shop.issues["waiting"]["ref"] in row[2])
    assert "Waiting on the customer" in waiting[2] and "Your turn" in waiting[2]
    assert re.search(r"\d{4}", waiting[2]), waiting  # the update time
    assert page.by_class("status")
    assert shop.issues["colleague"]["ref"] not in page.text


def test_the_detail_page_shows_the_thread_tasks_fields_and_a_reply_box(stack, shop):
    client = shop.client(stack)
    ref = shop.issues["open"]["ref"]
    page = assert_html(client.get(f"/issues/{ref}"))
    assert "An open issue" in page.text and "Open description (shopword)" in page.text
    assert ("Look into it" in page.text) and ("Underway" in page.text) and ("in_progress" not in page.source)
    reply = page.form(action=f"/issues/{ref}/reply")
    assert reply.method == "post" and reply.control("body").tag == "textarea"
    assert not reply.control("body").disabled and reply.enabled_submits
    edit = page.form(action=f"/issues/{ref}/fields")
    editable_names = {control.name for control in edit.controls if control.name and control.name != "_csrf"}
    assert editable_names == {"title", "priority", "cf.env", "cf.seats", "cf.due"}
    assert edit.control("cf.due").type == "date" and edit.control("cf.seats").type == "number"


def test_the_no_access_page_is_shown_to_a_customer_with_none(stack, shop):
    client = shop.client(stack, "none")
    for path in ["/", "/new", "/new/quick", f"/issues/{shop.issues['open']['ref']}"]:
        page = assert_html(client.get(path))
        assert "You have no access to issues here" in page.text, path
        assert shop.emails["none"] in page.text
        assert_branded(page, shop.name)
        assert "An open issue" not in page.source and "Quick question" not in page.source


def test_a_disabled_portal_answers_every_customer_route_with_the_unavailable_page(stack, shop):
    client = shop.client(stack)
    session, csrf = session_client(stack, shop.slug, shop.emails["member"])
    ref = shop.issues["open"]["ref"]
    save_settings(shop.data.api, lambda document: document.update(enabled=False))
    try:
        for path in ["/", f"/issues/{ref}", "/new", "/new/quick", "/login", "/no/such/page"]:
            response = client.get(path)
            page = assert_html(response, 404)
            assert "This support portal is unavailable" in page.text, path
            assert shop.name in page.text
            assert "An open issue" not in page.source
        for method, path, payload in [("GET", "/api/portal/me", None), ("GET", "/api/portal/config", None),
                                      ("GET", "/api/portal/issues", None), ("GET", f"/api/portal/issues/{ref}", None),
                                      ("POST", f"/api/portal/issues/{ref}/messages", {"body": "Anyone?"}),
                                      ("POST", "/api/portal/issues", {"formKey": "quick", "fields": {"title": "x"}})]:
            response = client.request(method, path, json=payload)
            assert_error(response, 404, "not_found")
            assert "An open issue" not in response.text
        assert session.post(f"/issues/{ref}/reply", data={"body": "Anyone?", "_csrf": csrf}).status_code == 404
    finally:
        save_settings(shop.data.api, lambda document: document.update(enabled=True))
    assert client.get("/api/portal/me").status_code == 200
    assert all(message["body"] != "Anyone?" for message in json_of(client.get(f"/api/portal/issues/{ref}"))["messages"])


def test_an_unknown_portal_host_is_a_neutral_404(stack):
    client = customer_client(stack, "no-such-shop", "member@shop.test")
    for path in ["/", "/api/portal/me", "/login"]:
        response = client.get(path)
        assert response.status_code == 404
        assert "shop" not in response.text.lower() and "acme" not in response.text.lower()


def test_clearing_cookies_are_host_only_secure_httponly_and_lax(stack, shop):
    response = cookie_client(stack, shop.host, PORTAL_COOKIE, forged_token()).get("/api/portal/me")
    cookie = cookie_named(response, PORTAL_COOKIE)
    assert cookie is not None
    assert_session_cookie_flags(cookie)


# -- HTML form flows ---------------------------------------------------------------------------------

def test_a_reply_through_the_page_redirects_back_with_a_notice(stack, shop):
    client, csrf = session_client(stack, shop.slug, shop.emails["member"])
    ref = shop.issues["open"]["ref"]
    text = f"Reply through the page {word()}"
    form = parse_html(client.get(f"/issues/{ref}").text).form(action=f"/issues/{ref}/reply")
    response = client.post(f"/issues/{ref}/reply", data=form.pairs({"body": text}))
    assert response.status_code == 303, response.text[:300]
    assert response.headers["Location"] == f"/issues/{ref}?sent=1#latest"
    page = assert_html(client.get(f"/issues/{ref}?sent=1"))
    assert "Your reply was sent." in page.text
    assert page.texts_of_class("message-body")[-1] == text


@pytest.mark.parametrize("body, message", [("", "must not be empty"), ("z" * 20001, "at most 20000")])
def test_an_invalid_reply_through_the_page_shows_the_error_beside_the_box_and_keeps_the_text(stack, shop, body, message):
    client, csrf = session_client(stack, shop.slug, shop.emails["member"])
    ref = shop.issues["open"]["ref"]
    response = client.post(f"/issues/{ref}/reply", data={"_csrf": csrf, "body": body})
    page = assert_html(response, 422)
    error = page.by_id("reply-error")
    assert error is not None and message in error[2]
    textarea = page.form(action=f"/issues/{ref}/reply").control("body")
    assert textarea.attributes.get("aria-invalid") == "true"
    assert textarea.text == body


def test_an_invalid_form_post_shows_errors_beside_the_fields_and_keeps_the_input(stack, shop):
    client, csrf = session_client(stack, shop.slug, shop.emails["member"])
    before = shop.issue_count()
    page = assert_html(client.get("/new/everything"))
    assert_branded(page, shop.name)
    form = page.form(action="/new/everything")
    data = form.pairs({"title": "Kept title", "cf.env": "mars", "cf.seats": "3x", "cf.due": "not a date",
                       "cf.contact": "nope", "description": "Kept description"})
    page = assert_html(client.post("/new/everything", data=data), 422)
    errors = {element[1]["id"]: element[2] for element in page.by_class("field-error")}
    assert set(errors) == {"field-cf-env-error", "field-cf-seats-error", "field-cf-due-error", "field-cf-contact-error"}
    assert "must be one of" in errors["field-cf-env-error"]
    form = page.form(action="/new/everything")
    assert form.value("title") == "Kept title"
    assert form.value("description") == "Kept description"
    assert form.value("cf.seats") == "3x"
    assert shop.issue_count() == before


def test_a_valid_form_post_creates_the_issue_and_opens_it(stack, shop):
    client, csrf = session_client(stack, shop.slug, shop.emails["member"])
    form = parse_html(client.get("/new/everything").text).form(action="/new/everything")
    data = form.pairs({"title": "Created through the page", "cf.env": "prod", "cf.due": "2027-01-31", "cf.seats": "4",
                       "cf.areas": ["api", "ui"], "cf.urgent": "on"})
    response = client.post("/new/everything", data=data)
    assert response.status_code == 303, response.text[:500]
    location = response.headers["Location"]
    assert re.fullmatch(r"/issues/ISS-\d+", location)
    ref = location.rsplit("/", 1)[1]
    page = assert_html(client.get(location))
    assert "Created through the page" in page.text and "Received" in page.text
    stored = shop.support_issue(ref)
    assert stored["customFields"] == {"env": "prod", "due": "2027-01-31", "seats": 4, "areas": ["api", "ui"], "urgent": True}
    assert stored["customerId"] == shop.customers["member"]["id"]


def test_editable_fields_are_changed_through_the_page(stack, shop):
    client, csrf = session_client(stack, shop.slug, shop.emails["member"])
    ref = shop.issues["editable"]["ref"]
    form = parse_html(client.get(f"/issues/{ref}").text).form(action=f"/issues/{ref}/fields")
    response = client.post(f"/issues/{ref}/fields", data=form.pairs({"priority": "urgent", "cf.due": "2027-02-01"}))
    assert response.status_code == 303, response.text[:300]
    stored = shop.support_issue(ref)
    assert (stored["priority"], stored["customFields"]["due"]) == ("urgent", "2027-02-01")
    form = parse_html(client.get(f"/issues/{ref}").text).form(action=f"/issues/{ref}/fields")
    page = assert_html(client.post(f"/issues/{ref}/fields", data=form.pairs({"priority": "critical", "title": "Still mine"})),
                       422)
    assert page.by_id("field-priority-error") is not None
    assert page.form(action=f"/issues/{ref}/fields").value("title") == "Still mine"
    assert shop.support_issue(ref)["priority"] == "urgent"
    assert shop.support_issue(ref)["title"] != "Still mine"
