"""The operator preview at /clients/portal (issue 3): the portal exactly as a
chosen customer sees it — same issues, same labels, same projection as the
portal itself — under a "Preview — viewing as …" banner, read-only, also while
the portal is disabled; and its JSON twin /api/account/client-portal/preview."""

from __future__ import annotations

import uuid

import pytest

from conftest import APP_HOST, assert_error, json_of
from portal_support import (SupportData, assert_html, customer_client, empty_field_rows, make_workspace, operator_login,
                            parse_html, refs_in_list_page, save_settings, unique)

LABELS = {"waiting_on_customer": "Waiting for you", "new": "Received"}
ROLES = ["admin", "member", "none", "unset", "outsider"]
ACCESS_LABELS = {"admin": "admin: all issues of their company", "member": "member: their own issues",
                 "none": "no access", "unset": "member: their own issues, by the workspace default",
                 "outsider": "member: their own issues"}


class World:
    pass


@pytest.fixture(scope="module")
def world(stack):
    result = World()
    result.slug, key = make_workspace(stack, "preview")
    result.owner = f"{unique('owner')}@ops.test"
    result.reader = f"{unique('reader')}@ops.test"
    stack.create_operator(result.slug, result.owner, "Pia Owner", "owner")
    stack.create_operator(result.slug, result.reader, "Rey Reader", "member")
    data = SupportData(stack, key)
    result.api = data.api
    save_settings(data.api, lambda document: document.update(
        name="Preview Portal", accentColor="#7c3aed", issueStatusLabels=LABELS,
        taskStatusLabels={"in_progress": "Being worked on"},
        headerLinks=[{"label": "Status", "url": "https://status.preview.example"}]))
    companies = {"a": data.company("Alpha Co"), "b": data.company("Beta Co")}
    result.customers, result.names = {}, {}
    for role, company, access in [("admin", "a", "admin"), ("member", "a", "member"), ("none", "a", "none"),
                                  ("unset", "a", None), ("outsider", "b", "member")]:
        email = f"{role}.{uuid.uuid4().hex[:6]}@{company}.preview.test"
        result.names[role] = f"{role.title()} Previewed"
        result.customers[role] = data.customer(email, result.names[role], companies[company]["id"], access)
    result.issues = {}
    for name, role, status in [("member-waiting", "member", "waiting_on_customer"), ("member-new", "member", "new"),
                               ("admin-open", "admin", "open"), ("unset-new", "unset", "new"),
                               ("outsider-open", "outsider", "open")]:
        issue = data.issue(result.customers[role]["id"], f"Preview issue {name}", f"About {name}", status=status)
        result.issues[name] = issue
    data.message(result.issues["member-waiting"]["id"], "How many seats do you need?")
    data.task(result.issues["member-waiting"]["id"], "Count the seats", "in_progress")
    yield result
    data.close()


@pytest.fixture(scope="module")
def owner(stack, world):
    return operator_login(stack, world.slug, world.owner).client


def email_of(world, role):
    return world.customers[role]["email"]


def portal_as(stack, world, role):
    return customer_client(stack, world.slug, email_of(world, role))


def banner(page) -> str:
    titles = page.texts_of_class("preview-title")
    assert len(titles) == 1, "no (or several) preview banners"
    return titles[0]


# -- the page -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "member", "unset", "outsider"])
def test_the_preview_lists_exactly_what_the_portal_shows_that_customer(stack, world, owner, role):
    page = assert_html(owner.get(f"/clients/portal?customer={email_of(world, role)}"))
    text = banner(page)
    assert text.startswith("Preview — viewing as")
    assert f"{world.names[role]} <{email_of(world, role)}>" in text
    assert f"({ACCESS_LABELS[role]})" in text
    portal_page = assert_html(portal_as(stack, world, role).get("/"))
    assert refs_in_list_page(page.source) == refs_in_list_page(portal_page.source)
    assert refs_in_list_page(page.source)
    assert page.texts_of_class("status") == portal_page.texts_of_class("status")
    assert page.texts_of_class("brand-name") == ["Preview Portal"]
    assert "--accent: #7c3aed;" in page.source


def test_the_preview_as_an_admin_shows_the_whole_company(world, owner):
    refs = set(refs_in_list_page(owner.get(f"/clients/portal?customer={email_of(world, 'admin')}").text))
    assert refs == {world.issues[name]["ref"] for name in ["member-waiting", "member-new", "admin-open", "unset-new"]}
    member_refs = set(refs_in_list_page(owner.get(f"/clients/portal?customer={email_of(world, 'member')}").text))
    assert member_refs == {world.issues["member-waiting"]["ref"], world.issues["member-new"]["ref"]}


def test_the_preview_as_a_customer_without_access_shows_the_no_access_page(world, owner):
    page = assert_html(owner.get(f"/clients/portal?customer={email_of(world, 'none')}"))
    assert "(no access)" in banner(page)
    assert "You have no access to issues here" in page.text
    assert refs_in_list_page(page.source) == []
    for name in world.issues:
        assert world.issues[name]["title"] not in page.source


def test_the_preview_of_an_issue_shows_its_thread_with_customer_labels(stack, world, owner):
    ref = world.issues["member-waiting"]["ref"]
    page = assert_html(owner.get(f"/clients/portal?customer={email_of(world, 'member')}&issue={ref}"))
    assert "Preview — viewing as" in banner(page)
    portal_page = assert_html(portal_as(stack, world, "member").get(f"/issues/{ref}"))
    for class_name in ["message-body", "status", "task-title"]:
        assert page.texts_of_class(class_name) == portal_page.texts_of_class(class_name), class_name
    assert "How many seats do you need?" in page.texts_of_class("message-body")
    assert "Waiting for you" in page.texts_of_class("status") and "Being worked on" in page.texts_of_class("status")


def test_the_preview_never_opens_an_issue_outside_the_customers_scope(world, owner):
    ref = world.issues["outsider-open"]["ref"]
    response = owner.get(f"/clients/portal?customer={email_of(world, 'member')}&issue={ref}")
    assert response.status_code == 404
    assert world.issues["outsider-open"]["title"] not in response.text


@pytest.mark.parametrize("view", ["list", "issue", "new", "form"])
def test_the_preview_has_no_enabled_form_that_posts_as_the_customer(world, owner, view):
    base = f"/clients/portal?customer={email_of(world, 'member')}"
    path = {"list": base, "issue": f"{base}&issue={world.issues['member-waiting']['ref']}", "new": f"{base}&view=new",
            "form": f"{base}&view=form&form=request"}[view]
    page = assert_html(owner.get(path))
    assert "Preview — viewing as" in banner(page)
    for form in page.forms:
        if form.method != "post":
            continue
        writable = [control.name for control in form.controls
                    if not control.disabled and control.tag in ("textarea", "select", "input") and control.type != "hidden"]
        assert not form.enabled_submits and not writable, \
            f"{view}: the form posting to {form.action!r} can be submitted (enabled: {writable}, " \
            f"buttons: {[c.attributes for c in form.enabled_submits]})"
    assert not [form for form in page.forms if form.action == "/logout"], "no sign-out as the customer"


def test_a_disabled_portal_still_previews_with_a_notice(stack, world, owner):
    email = email_of(world, "member")
    save_settings(world.api, lambda document: document.update(enabled=False))
    try:
        page = assert_html(owner.get(f"/clients/portal?customer={email}"))
        assert "The portal is disabled" in page.text
        assert "Preview — viewing as" in banner(page)
        assert set(refs_in_list_page(page.source)) == {world.issues["member-new"]["ref"], world.issues["member-waiting"]["ref"]}
        assert json_of(world.api.get(f"/api/account/client-portal/preview?customer={email}"))["portalEnabled"] is False
        assert "This support portal is unavailable" in assert_html(portal_as(stack, world, "member").get("/"), 404).text
    finally:
        save_settings(world.api, lambda document: document.update(enabled=True))
    assert "The portal is disabled" not in owner.get(f"/clients/portal?customer={email}").text


def test_the_customer_picker_lists_customers_with_their_effective_access(world, owner):
    page = assert_html(owner.get("/clients/portal"))
    values = [value for value, _ in page.form(method="get").control("customer").options]
    for role in ROLES:
        assert email_of(world, role) in values, role
    labels = [element[2] for element in page.elements if element[0] == "option"]
    expected_levels = {"admin": "admin", "member": "member", "none": "none", "unset": "member", "outsider": "member"}
    for role, level in expected_levels.items():
        assert any(label.startswith(world.names[role]) and label.endswith(f"— {level}") for label in labels), (role, labels)
    unknown = assert_html(owner.get("/clients/portal?customer=nobody@nowhere.test"))
    assert "There is no customer nobody@nowhere.test" in unknown.text


def test_the_preview_needs_an_operator_with_customers_read(stack, world):
    reader = operator_login(stack, world.slug, world.reader).client
    page = assert_html(reader.get(f"/clients/portal?customer={email_of(world, 'member')}"))
    assert "Preview — viewing as" in banner(page)
    signed_out = stack.client(APP_HOST).get(f"/clients/portal?customer={email_of(world, 'member')}")
    assert signed_out.status_code in (302, 303) and signed_out.headers["Location"].startswith("/login")
    no_read = stack.client(APP_HOST, key=stack.create_api_key(world.slug, unique("issues"), permissions=["issues.read"]))
    assert_error(no_read.get(f"/api/account/client-portal/preview?customer={email_of(world, 'member')}"), 403, "forbidden")


def test_a_draft_preview_shows_unsaved_settings_and_saves_nothing(stack, world, owner):
    settings = parse_html(owner.get("/clients/portal/settings").text).form(action="/clients/portal/settings")
    data = settings.pairs({**empty_field_rows(settings), "name": "Unsaved Draft Name", "accentColor": "#059669",
                           "customer": email_of(world, "member")})
    page = assert_html(owner.post("/clients/portal?draft=1", data=data))
    assert page.texts_of_class("brand-name") == ["Unsaved Draft Name"]
    assert "Showing unsaved settings" in page.text
    assert "--accent: #059669;" in page.source
    assert set(refs_in_list_page(page.source)) == {world.issues["member-new"]["ref"], world.issues["member-waiting"]["ref"]}
    assert json_of(world.api.get("/api/account/client-portal/settings"))["name"] == "Preview Portal"
    assert_html(portal_as(stack, world, "member").get("/")).texts_of_class("brand-name") == ["Preview Portal"]
    # The post needs the operator's CSRF token.
    assert owner.post("/clients/portal?draft=1", data=[pair for pair in data if pair[0] != "_csrf"]).status_code == 403


# -- the JSON preview ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "member", "unset", "outsider"])
def test_the_json_preview_equals_what_the_portal_api_returns(stack, world, role):
    email = email_of(world, role)
    preview = json_of(world.api.get(f"/api/account/client-portal/preview?customer={email}"))
    portal = portal_as(stack, world, role)
    listed = json_of(portal.get("/api/portal/issues"))
    me = json_of(portal.get("/api/portal/me"))
    assert preview["object"] == "portal_preview"
    assert preview["customer"] == {"email": email, "name": world.names[role], "accessLevel": me["accessLevel"]}
    assert preview["issues"] == listed["issues"]
    assert [issue["ref"] for issue in preview["issues"]]
    for issue in listed["issues"]:
        detail = json_of(world.api.get(f"/api/account/client-portal/preview?customer={email}&issue={issue['ref']}"))
        assert detail["issue"] == json_of(portal.get(f"/api/portal/issues/{issue['ref']}"))


def test_the_json_preview_of_a_customer_without_access_holds_no_issues(world):
    preview = json_of(world.api.get(f"/api/account/client-portal/preview?customer={email_of(world, 'none')}"))
    assert preview["customer"]["accessLevel"] == "none"
    assert not preview.get("issues")
    ref = world.issues["member-new"]["ref"]
    assert_error(world.api.get(f"/api/account/client-portal/preview?customer={email_of(world, 'none')}&issue={ref}"),
                 404, "not_found")


@pytest.mark.parametrize("query, status, code", [
    ("", 422, "validation_failed"),
    ("?customer=nobody@nowhere.test", 422, "validation_failed"),
    ("?customer=bob@initech.test", 422, "validation_failed"),  # a customer of another workspace
    ("?customer=not-an-email", 422, "validation_failed"),
])
def test_the_json_preview_refuses_an_unknown_customer(world, query, status, code):
    assert_error(world.api.get(f"/api/account/client-portal/preview{query}"), status, code)


def test_the_json_preview_never_opens_an_issue_outside_the_scope(world):
    ref = world.issues["outsider-open"]["ref"]
    assert_error(world.api.get(f"/api/account/client-portal/preview?customer={email_of(world, 'member')}&issue={ref}"),
                 404, "not_found")
