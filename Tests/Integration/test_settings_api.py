"""The portal settings API on the app host (issue 3): the document's shape, every
validation rule (422 with the right `fields`, all errors at once, nothing
stored), permissions, optimistic concurrency, the audit trail and bad bodies.
CSS injection through the accent colour is one of the validation rules."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re

import pytest

from conftest import APP_HOST, MAX_BODY_BYTES, assert_error, json_of
from portal_support import (READ_ONLY_KEYS, SETTINGS_KEYS, SETTINGS_PATH, customer_client, define_custom_fields,
                            editable, form_field, get_settings, make_workspace, portal_form, put_settings, unique)

CUSTOM_FIELDS = [
    {"key": "env", "label": "Environment", "type": "select", "options": ["prod", "staging"]},
    {"key": "seats", "label": "Seats", "type": "number", "options": []},
] + [{"key": f"n{number}", "label": f"Number {number}", "type": "number", "options": []} for number in range(30)]


def link(label="Docs", url="https://docs.example"):
    return {"label": label, "url": url}


def settings_workspace(stack, prefix="set"):
    slug, key = make_workspace(stack, prefix)
    define_custom_fields(stack, slug, CUSTOM_FIELDS)
    return slug, stack.client(APP_HOST, key=key)


@pytest.fixture(scope="module")
def checked(stack):
    """A workspace whose settings the validation tests try (and fail) to change."""
    slug, api = settings_workspace(stack, "valid")
    yield slug, api
    api.close()


@pytest.fixture
def fresh(stack):
    """A workspace of its own for a test that saves."""
    slug, api = settings_workspace(stack)
    yield slug, api
    api.close()


def fields_of(body: dict) -> set[str]:
    return {entry["field"] for entry in body.get("fields", [])}


def audit_events(api, action: str = "portal_settings.updated") -> list[dict]:
    body = json_of(api.get("/api/account/audit?limit=100"))
    return [event for event in body["events"] if event["action"] == action]


# -- shape --------------------------------------------------------------------------------------------

def test_get_returns_the_whole_document_with_its_version_and_etag(checked):
    _, api = checked
    document, response = get_settings(api)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert set(document) == SETTINGS_KEYS | READ_ONLY_KEYS
    assert len(SETTINGS_KEYS) == 13
    assert document["object"] == "client_portal_settings"
    assert isinstance(document["version"], int)
    assert response.headers["ETag"] == f'"{document["version"]}"'
    # The defaults of a workspace that never saved.
    assert document["enabled"] is True
    assert re.fullmatch(r"#[0-9a-f]{6}", document["accentColor"])
    assert document["defaultAccess"] == "member"
    assert document["auth"] == {"mode": "otp", "customAuthUrl": None, "issuer": None, "publicKey": None}
    assert document["customDomain"] is None
    assert {field["key"] for field in document["issueFields"]} >= {"title", "status"}


def test_a_saved_document_reads_back_exactly_and_bumps_the_version(fresh):
    _, api = fresh
    document, response = get_settings(api)
    changed = copy.deepcopy(document)
    changed.update(
        name="Readback Support", logoUrl="https://cdn.example/logo.png", accentColor="#0F766E",
        headerLinks=[link("Status", "https://status.example"), link("Docs", "http://docs.example/a?b=c#d")],
        footerSections=[{"title": "Company", "links": [link("Privacy", "https://example.com/privacy")]}],
        defaultAccess="admin",
        issueFields=[{"key": "title", "visible": True, "editable": True}, {"key": "cf.env", "visible": True, "editable": True},
                     {"key": "cf.seats", "visible": True, "editable": False}],
        issueStatusLabels={"waiting_on_customer": "Waiting for you"}, taskStatusLabels={"in_progress": "Being worked on"},
        forms=[portal_form("bug", "Report a bug", [form_field("title", "Summary", "text", True),
                                                   form_field("cf.env", "Environment", "select", True, ["prod"])])],
        auth={"mode": "custom", "customAuthUrl": "https://login.example/sso", "issuer": "https://login.example",
             "publicKey": None})
    saved = put_settings(api, changed, if_match=response.headers["ETag"])
    assert saved.status_code == 200, saved.text
    body = json_of(saved)
    assert body["version"] == document["version"] + 1
    assert saved.headers["ETag"] == f'"{body["version"]}"'
    expected = editable(changed)
    expected["accentColor"] = "#0f766e"  # stored in its canonical lower-case form
    assert editable(body) == expected
    assert editable(get_settings(api)[0]) == expected


def test_the_maximum_sizes_are_accepted(fresh):
    _, api = fresh
    document, response = get_settings(api)
    many_fields = [form_field("title", "T" * 80, "text", True)] + [form_field(f"cf.n{n}", f"Number {n}", "number")
                                                                   for n in range(29)]
    document.update(
        name="N" * 80, logoUrl="https://cdn.example/" + "l" * (2048 - len("https://cdn.example/")),
        headerLinks=[link("L" * 60, f"https://example.com/{n}") for n in range(10)],
        footerSections=[{"title": "S" * 60, "links": [link(f"Link {n}", f"https://example.com/{n}") for n in range(10)]}
                        for _ in range(6)],
        issueStatusLabels={"open": "O" * 40}, taskStatusLabels={"done": "D" * 40},
        forms=[portal_form(f"form-{n}", f"Form {n}", [form_field("title", "T", "text", True)]) for n in range(19)]
        + [portal_form("k" * 40, "F" * 80, many_fields, description="D" * 500)])
    response = put_settings(api, document, if_match=response.headers["ETag"])
    assert response.status_code == 200, response.text[:2000]
    assert editable(json_of(response)) == editable(document)


# -- validation, rule by rule ---------------------------------------------------------------------------

def _set(key, value):
    return lambda document: document.__setitem__(key, value)


def _append_field(entry):
    def change(document):
        document["issueFields"] = [field for field in document["issueFields"] if field["key"] != entry["key"]] + [entry]
    return change


def _issue_field_path(document, suffix):
    return f"issueFields[{len(document['issueFields']) - 1}].{suffix}"


BAD = [
    # name 1–80
    ("name-empty", _set("name", ""), {"name"}),
    ("name-81", _set("name", "n" * 81), {"name"}),
    ("name-missing", lambda d: d.pop("name"), {"name"}),
    ("name-number", _set("name", 42), {"name"}),
    # logoUrl https only, ≤ 2048
    ("logo-http", _set("logoUrl", "http://cdn.example/logo.png"), {"logoUrl"}),
    ("logo-javascript", _set("logoUrl", "javascript:alert(1)"), {"logoUrl"}),
    ("logo-data", _set("logoUrl", "data:image/png;base64,AAAA"), {"logoUrl"}),
    ("logo-relative", _set("logoUrl", "/logo.png"), {"logoUrl"}),
    ("logo-protocol-relative", _set("logoUrl", "//cdn.example/logo.png"), {"logoUrl"}),
    ("logo-2049", _set("logoUrl", "https://cdn.example/" + "l" * 2029), {"logoUrl"}),
    # accentColor #rrggbb (and CSS injection)
    ("accent-name", _set("accentColor", "red"), {"accentColor"}),
    ("accent-short", _set("accentColor", "#fff"), {"accentColor"}),
    ("accent-not-hex", _set("accentColor", "#12345g"), {"accentColor"}),
    ("accent-no-hash", _set("accentColor", "4f46e5"), {"accentColor"}),
    ("accent-css-break-out", _set("accentColor", "red;}body{display:none"), {"accentColor"}),
    ("accent-attribute-break-out", _set("accentColor", '#fff" onload='), {"accentColor"}),
    ("accent-trailing-css", _set("accentColor", "#4f46e5;}"), {"accentColor"}),
    ("accent-rgb", _set("accentColor", "rgb(1,2,3)"), {"accentColor"}),
    ("accent-expression", _set("accentColor", "expression(alert(1))"), {"accentColor"}),
    ("accent-empty", _set("accentColor", ""), {"accentColor"}),
    # header links ≤ 10, labels 1–60, http(s) URLs only
    ("header-11", _set("headerLinks", [link(url=f"https://example.com/{n}") for n in range(11)]), {"headerLinks"}),
    ("header-label-empty", _set("headerLinks", [link("")]), {"headerLinks[0].label"}),
    ("header-label-61", _set("headerLinks", [link("x" * 61)]), {"headerLinks[0].label"}),
    ("header-url-javascript", _set("headerLinks", [link(url="javascript:alert(1)")]), {"headerLinks[0].url"}),
    ("header-url-javascript-mixed-case", _set("headerLinks", [link(url="JaVaScRiPt:alert(1)")]), {"headerLinks[0].url"}),
    ("header-url-data", _set("headerLinks", [link(url="data:text/html,<script>alert(1)</script>")]), {"headerLinks[0].url"}),
    ("header-url-relative", _set("headerLinks", [link(url="/help")]), {"headerLinks[0].url"}),
    ("header-url-protocol-relative", _set("headerLinks", [link(url="//evil.example/x")]), {"headerLinks[0].url"}),
    ("header-url-ftp", _set("headerLinks", [link(url="ftp://files.example")]), {"headerLinks[0].url"}),
    ("header-url-quote", _set("headerLinks", [link(url='https://x.example/" onmouseover="alert(1)')]), {"headerLinks[0].url"}),
    ("header-second-bad", _set("headerLinks", [link(), link(url="javascript:void(0)")]), {"headerLinks[1].url"}),
    # footer sections ≤ 6 with ≤ 10 links each
    ("footer-7", _set("footerSections", [{"title": f"S{n}", "links": []} for n in range(7)]), {"footerSections"}),
    ("footer-11-links", _set("footerSections", [{"title": "S", "links": [link()] * 11}]), {"footerSections[0].links"}),
    ("footer-title-empty", _set("footerSections", [{"title": "", "links": [link()]}]), {"footerSections[0].title"}),
    ("footer-title-61", _set("footerSections", [{"title": "t" * 61, "links": []}]), {"footerSections[0].title"}),
    ("footer-link-label-empty", _set("footerSections", [{"title": "S", "links": [link("")]}]), {"footerSections[0].links[0].label"}),
    ("footer-link-javascript", _set("footerSections", [{"title": "S", "links": [link(), link(url="javascript:alert(1)")]}]),
     {"footerSections[0].links[1].url"}),
    # defaultAccess
    ("access-owner", _set("defaultAccess", "owner"), {"defaultAccess"}),
    ("access-capitalised", _set("defaultAccess", "Admin"), {"defaultAccess"}),
    ("access-null", _set("defaultAccess", None), {"defaultAccess"}),
    # issue status and task labels: known keys, 1–40 chars
    ("status-label-unknown-key", _set("issueStatusLabels", {"escalated": "Escalated"}), {"issueStatusLabels.escalated"}),
    ("status-label-empty", _set("issueStatusLabels", {"open": ""}), {"issueStatusLabels.open"}),
    ("status-label-41", _set("issueStatusLabels", {"open": "o" * 41}), {"issueStatusLabels.open"}),
    ("task-label-unknown-key", _set("taskStatusLabels", {"blocked": "Blocked"}), {"taskStatusLabels.blocked"}),
    ("task-label-empty", _set("taskStatusLabels", {"done": ""}), {"taskStatusLabels.done"}),
    ("task-label-41", _set("taskStatusLabels", {"done": "d" * 41}), {"taskStatusLabels.done"}),
    ("task-label-issue-key", _set("taskStatusLabels", {"waiting_on_customer": "Yours"}), {"taskStatusLabels.waiting_on_customer"}),
    # forms
    ("forms-21", _set("forms", [portal_form(f"f{n}", "F", [form_field("title", "T", "text")]) for n in range(21)]), {"forms"}),
    ("form-key-duplicate", _set("forms", [portal_form("bug", "A", [form_field("title", "T", "text")]),
                                          portal_form("bug", "B", [form_field("title", "T", "text")])]), {"forms[1].key"}),
    ("form-key-upper-and-space", _set("forms", [portal_form("Bug Report", "A", [form_field("title", "T", "text")])]),
     {"forms[0].key"}),
    ("form-key-41", _set("forms", [portal_form("k" * 41, "A", [form_field("title", "T", "text")])]), {"forms[0].key"}),
    ("form-key-underscore", _set("forms", [portal_form("bug_report", "A", [form_field("title", "T", "text")])]), {"forms[0].key"}),
    ("form-31-fields", _set("forms", [portal_form("big", "Big", [form_field("title", "T", "text")]
                                                  + [form_field(f"cf.n{n}", f"N{n}", "number") for n in range(30)])]),
     {"forms[0].fields"}),
    ("form-field-type-unknown", _set("forms", [portal_form("bug", "A", [form_field("title", "T", "colour")])]),
     {"forms[0].fields[0].type"}),
    ("form-select-without-options", _set("forms", [portal_form("bug", "A", [form_field("title", "T", "text"),
                                                                             form_field("cf.env", "E", "select")])]),
     {"forms[0].fields[1].options"}),
    ("form-field-unknown-key", _set("forms", [portal_form("bug", "A", [form_field("cf.nope", "N", "text")])]),
     {"forms[0].fields[0].key"}),
    ("form-title-empty", _set("forms", [portal_form("bug", "", [form_field("title", "T", "text")])]), {"forms[0].title"}),
    # auth
    ("auth-mode-unknown", _set("auth", {"mode": "saml", "customAuthUrl": None}), {"auth.mode"}),
    ("auth-custom-without-url", _set("auth", {"mode": "custom", "customAuthUrl": None}), {"auth.customAuthUrl"}),
    ("auth-custom-http-url", _set("auth", {"mode": "custom", "customAuthUrl": "http://login.example"}), {"auth.customAuthUrl"}),
    ("auth-custom-javascript-url", _set("auth", {"mode": "custom", "customAuthUrl": "javascript:alert(1)"}),
     {"auth.customAuthUrl"}),
    # unknown keys, anywhere
    ("unknown-top-level", _set("theme", "dark"), {"theme"}),
    ("unknown-in-link", _set("headerLinks", [dict(link(), target="_blank")]), {"headerLinks[0].target"}),
    ("unknown-in-auth", _set("auth", {"mode": "otp", "customAuthUrl": None, "secret": "x"}), {"auth.secret"}),
    ("unknown-in-form", _set("forms", [dict(portal_form("bug", "A", [form_field("title", "T", "text")]), colour="red")]),
     {"forms[0].colour"}),
    # types
    ("enabled-string", _set("enabled", "yes"), {"enabled"}),
]

ISSUE_FIELD_BAD = [
    ("field-unknown", {"key": "internal", "visible": True, "editable": False}, "key"),
    ("field-unknown-custom", {"key": "cf.nope", "visible": True, "editable": False}, "key"),
    ("field-editable-not-visible", {"key": "title", "visible": False, "editable": True}, "editable"),
    ("field-status-editable", {"key": "status", "visible": True, "editable": True}, "editable"),
    ("field-requester-editable", {"key": "requester", "visible": True, "editable": True}, "editable"),
    ("field-company-editable", {"key": "company", "visible": True, "editable": True}, "editable"),
    ("field-tags-editable", {"key": "tags", "visible": True, "editable": True}, "editable"),
    ("field-created-editable", {"key": "createdAt", "visible": True, "editable": True}, "editable"),
]


def assert_refused_and_unchanged(api, change, expected_fields: set[str] | None) -> dict:
    before, before_response = get_settings(api)
    audits = len(audit_events(api))
    document = copy.deepcopy(before)
    change(document)
    response = put_settings(api, document, if_match=before_response.headers["ETag"])
    body = assert_error(response, 422, "validation_failed")
    if expected_fields is not None:
        assert fields_of(body) == expected_fields, json.dumps(body["fields"], indent=1)
    assert all(isinstance(entry["message"], str) and entry["message"] for entry in body["fields"])
    after, after_response = get_settings(api)
    assert after == before, "a refused PUT must store nothing"
    assert after_response.headers["ETag"] == before_response.headers["ETag"]
    assert len(audit_events(api)) == audits
    return body


@pytest.mark.parametrize("change, expected", [(change, fields) for _, change, fields in BAD], ids=[name for name, _, _ in BAD])
def test_an_invalid_setting_is_422_on_that_field_and_nothing_is_stored(checked, change, expected):
    assert_refused_and_unchanged(checked[1], change, expected)


@pytest.mark.parametrize("entry, suffix", [(entry, suffix) for _, entry, suffix in ISSUE_FIELD_BAD],
                         ids=[name for name, _, _ in ISSUE_FIELD_BAD])
def test_an_invalid_issue_field_is_422_on_that_entry(checked, entry, suffix):
    _, api = checked
    document, _ = get_settings(api)
    change = _append_field(entry)
    probe = copy.deepcopy(document)
    change(probe)
    assert_refused_and_unchanged(api, change, {_issue_field_path(probe, suffix)})


def test_an_issue_field_listed_twice_is_422(checked):
    _, api = checked
    document, _ = get_settings(api)
    duplicate = copy.deepcopy(document["issueFields"][0])
    change = lambda d: d["issueFields"].append(duplicate)  # noqa: E731
    assert_refused_and_unchanged(api, change, {f"issueFields[{len(document['issueFields'])}].key"})


def test_every_error_of_a_bad_document_is_reported_at_once(checked):
    def ruin(document):
        document.update(
            name="", logoUrl="http://cdn.example/logo.png", accentColor="red;}body{display:none",
            headerLinks=[link("", "javascript:alert(1)")], footerSections=[{"title": "", "links": [link()] * 11}],
            defaultAccess="owner", issueStatusLabels={"escalated": "E"}, taskStatusLabels={"done": ""},
            forms=[portal_form("Bad Key", "", [form_field("title", "T", "colour")])],
            auth={"mode": "custom", "customAuthUrl": None}, theme="dark")
    body = assert_refused_and_unchanged(checked[1], ruin, None)
    assert fields_of(body) == {
        "name", "logoUrl", "accentColor", "headerLinks[0].label", "headerLinks[0].url", "footerSections[0].title",
        "footerSections[0].links", "defaultAccess", "issueStatusLabels.escalated", "taskStatusLabels.done",
        "forms[0].key", "forms[0].title", "forms[0].fields[0].type", "auth.customAuthUrl", "theme"}


# -- permissions -----------------------------------------------------------------------------------------

def test_a_customers_read_key_may_read_but_not_save_even_an_unchanged_document(stack, checked):
    slug, api = checked
    reader = stack.client(APP_HOST, key=stack.create_api_key(slug, unique("reader"), permissions=["customers.read"]))
    document, response = get_settings(reader)
    refused = put_settings(reader, document, if_match=response.headers["ETag"])
    assert "customers.write" in assert_error(refused, 403, "forbidden")["error"]
    changed = dict(document, name="Changed by a reader")
    assert_error(put_settings(reader, changed), 403, "forbidden")
    assert get_settings(api)[0] == document
    reader.close()


def test_an_operator_with_only_customers_read_cannot_save(stack, fresh):
    slug, api = fresh
    email = f"{unique('member')}@ops.test"
    stack.create_operator(slug, email, "Mo Member", "member")
    member = stack.client(APP_HOST, key=stack.create_api_key(slug, unique("member"), operator=email))
    document, _ = get_settings(member)
    assert_error(put_settings(member, document), 403, "forbidden")
    assert get_settings(api)[0] == document
    member.close()


def test_settings_need_an_operator_credential(stack):
    anonymous = stack.client(APP_HOST)
    assert_error(anonymous.get(SETTINGS_PATH), 401, "unauthorized")
    assert_error(anonymous.put(SETTINGS_PATH, json={}), 401, "unauthorized")
    issues_only = stack.client(APP_HOST, key=stack.create_api_key("acme", unique("issues"), permissions=["issues.read"]))
    assert_error(issues_only.get(SETTINGS_PATH), 403, "forbidden")
    # The portal host does not serve operator APIs.
    assert customer_client(stack, "acme").get(SETTINGS_PATH).status_code == 404


def test_each_workspace_reads_and_saves_only_its_own_settings(stack, fresh):
    slug, api = fresh
    acme = stack.client(APP_HOST, key=stack.seed_api_key)
    acme_before = get_settings(acme)[0]
    document, response = get_settings(api)
    assert document["name"] == f"Workspace {slug}"
    assert put_settings(api, dict(document, name="Only mine"), if_match=response.headers["ETag"]).status_code == 200
    assert get_settings(acme)[0] == acme_before


# -- concurrency --------------------------------------------------------------------------------------------

def test_a_stale_if_match_is_412_and_stores_nothing(fresh):
    _, api = fresh
    document, response = get_settings(api)
    stale = response.headers["ETag"]
    first = put_settings(api, dict(document, name="First writer"), if_match=stale)
    assert first.status_code == 200
    current = json_of(first)
    second = put_settings(api, dict(document, name="Second writer"), if_match=stale)
    assert_error(second, 412, "precondition_failed")
    assert second.headers.get("ETag") == f'"{current["version"]}"'
    after, after_response = get_settings(api)
    assert after["name"] == "First writer" and after["version"] == current["version"]
    assert after_response.headers["ETag"] == f'"{current["version"]}"'


def test_a_stale_version_in_the_body_is_412_too(fresh):
    _, api = fresh
    document, response = get_settings(api)
    assert put_settings(api, dict(document, name="Moved on"), if_match=response.headers["ETag"]).status_code == 200
    body = dict(document, name="Overwrite")  # still carries the old version
    assert_error(api.put(SETTINGS_PATH, json=body), 412, "precondition_failed")
    assert get_settings(api)[0]["name"] == "Moved on"


@pytest.mark.parametrize("if_match", ['"abc"', "*x", '"-1"', '"999999"'])
def test_an_if_match_that_is_not_the_current_version_is_412(checked, if_match):
    _, api = checked
    document, _ = get_settings(api)
    assert_error(put_settings(api, dict(document, name="Nope"), if_match=if_match), 412, "precondition_failed")
    assert get_settings(api)[0] == document


# -- audit ------------------------------------------------------------------------------------------------

def test_a_save_is_audited_with_the_changed_keys_before_and_after(stack, fresh):
    slug, api = fresh
    document, response = get_settings(api)
    saved = json_of(put_settings(api, dict(document, name="Audited name", accentColor="#112233"),
                                 if_match=response.headers["ETag"]))
    events = audit_events(api)
    event = events[0]
    assert event["object"] == "audit_event"
    assert event["actor"]["type"] == "api_key"
    assert event["actor"]["label"] == f"{slug} key"
    assert event["target"] == "portal_settings"
    assert event["details"]["changes"] == {
        "name": {"before": document["name"], "after": "Audited name"},
        "accentColor": {"before": document["accentColor"], "after": "#112233"},
    }
    assert event["details"]["version"] == saved["version"]
    created_at = dt.datetime.strptime(event["createdAt"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    assert abs((dt.datetime.now(dt.timezone.utc) - created_at).total_seconds()) < 120
    # Newest first: a second save comes before the first.
    second, second_response = get_settings(api)
    put_settings(api, dict(second, defaultAccess="none"), if_match=second_response.headers["ETag"])
    events = audit_events(api)
    assert events[0]["details"]["changes"] == {"defaultAccess": {"before": "member", "after": "none"}}
    assert events[1]["id"] == event["id"]


def test_the_audit_log_needs_customers_read_and_is_per_workspace(stack, fresh):
    slug, api = fresh
    other_slug, other = settings_workspace(stack, "other")
    document, response = get_settings(api)
    put_settings(api, dict(document, name="Private change"), if_match=response.headers["ETag"])
    assert all("Private change" not in json.dumps(event) for event in json_of(other.get("/api/account/audit"))["events"])
    assert_error(stack.client(APP_HOST).get("/api/account/audit"), 401, "unauthorized")
    issues_only = stack.client(APP_HOST, key=stack.create_api_key(slug, unique("issues"), permissions=["issues.read"]))
    assert_error(issues_only.get("/api/account/audit"), 403, "forbidden")
    reader = stack.client(APP_HOST, key=stack.create_api_key(slug, unique("reader"), permissions=["customers.read"]))
    assert any(event["details"].get("changes", {}).get("name", {}).get("after") == "Private change"
               for event in json_of(reader.get("/api/account/audit"))["events"])
    for client in (other, issues_only, reader):
        client.close()


# -- bad bodies ------------------------------------------------------------------------------------------------

def test_a_one_megabyte_body_is_413_and_stores_nothing(checked):
    _, api = checked
    before = get_settings(api)[0]
    big = json.dumps(dict(editable(before), name="x" * (1 << 20)))
    response = api.put(SETTINGS_PATH, data=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    if response.headers.get("Content-Type", "").startswith("application/json"):
        assert_error(response, 413, "payload_too_large")
    assert get_settings(api)[0] == before
    assert MAX_BODY_BYTES < (1 << 20)


@pytest.mark.parametrize("body", ["{nope", '{"name": "x",}', "{\"name\": \"unterminated", "\x00\x01", "nul"])
def test_invalid_json_is_400_invalid_json(checked, body):
    _, api = checked
    before = get_settings(api)[0]
    assert_error(api.put(SETTINGS_PATH, data=body.encode(), headers={"Content-Type": "application/json"}), 400, "invalid_json")
    assert get_settings(api)[0] == before


@pytest.mark.parametrize("body", ["[]", '"settings"', "42", "null"])
def test_json_that_is_not_an_object_is_refused(checked, body):
    _, api = checked
    response = api.put(SETTINGS_PATH, data=body, headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422), response.text
    assert json_of(response)["code"] in ("invalid_json", "validation_failed")


def test_a_body_that_is_not_json_is_415(checked):
    _, api = checked
    assert_error(api.put(SETTINGS_PATH, data="name=x", headers={"Content-Type": "application/x-www-form-urlencoded"}),
                 415, "unsupported_media_type")
