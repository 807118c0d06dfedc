"""The operator side in a browser's shoes (issue 3): signing in through a
one-time link, the settings page as an HTML form (values shown, a valid post
saved, an invalid post answered with the error beside its field and the input
kept), the read-only page for an operator with only customers.read, CSRF, and
signed-out redirects."""

from __future__ import annotations

import pytest

from conftest import APP_HOST, json_of
from portal_support import (OPERATOR_COOKIE, assert_cookie_cleared, assert_html, assert_session_cookie_flags,
                            cookie_client, cookie_named, empty_field_rows, get_settings, login_link, make_workspace,
                            operator_login, page_errors, parse_html, path_of, save_settings, unique)

SETTINGS_PAGE = "/clients/portal/settings"


@pytest.fixture
def workspace(stack):
    """A fresh workspace with an owner, a member (customers.read only) and a viewer operator."""
    slug, key = make_workspace(stack, "page")
    emails = {role: f"{role}.{unique('op')}@ops.test" for role in ("owner", "member", "viewer")}
    for role, email in emails.items():
        stack.create_operator(slug, email, f"{role.title()} Operator", role)
    api = stack.client(APP_HOST, key=key)
    save_settings(api, lambda document: document.update(
        name="Page Portal", accentColor="#1d4ed8",
        headerLinks=[{"label": "Status", "url": "https://status.page.example"}],
        issueStatusLabels={"waiting_on_customer": "Waiting for you"}))
    yield slug, api, emails
    api.close()


def settings_form(page):
    return page.form(action=SETTINGS_PAGE)



# -- signing in -----------------------------------------------------------------------------------------

def test_pages_redirect_to_the_sign_in_page_when_signed_out(stack):
    client = stack.client(APP_HOST)
    for path in [SETTINGS_PAGE, "/clients/portal", "/clients/portal?customer=bob@initech.test"]:
        response = client.get(path)
        assert response.status_code in (302, 303), path
        assert response.headers["Location"].startswith("/login?next=%2Fclients%2Fportal"), response.headers["Location"]
    response = client.post(SETTINGS_PAGE, data={"name": "Anonymous"})
    assert response.status_code in (302, 303, 401, 403)
    assert "Sign in" in assert_html(client.get("/login")).text


def test_a_login_link_signs_in_after_a_confirming_click_and_sets_a_secure_host_only_cookie(stack, workspace):
    slug, _, emails = workspace
    client = stack.client(APP_HOST)
    link = path_of(login_link(stack, slug, emails["owner"]))
    # Opening the link (as a mail scanner would) does not spend it.
    for _ in range(2):
        confirm = assert_html(client.get(link))
        assert emails["owner"] in confirm.text and "Owner Operator" in confirm.text
    form = confirm.form(action="/login/link")
    response = client.post("/login/link", data=form.pairs())
    assert response.status_code == 303
    cookie = cookie_named(response, OPERATOR_COOKIE)
    assert cookie is not None and len(cookie.value) == 43
    assert_session_cookie_flags(cookie)
    assert int(cookie.attributes.get("max-age", "0")) > 0
    signed_in = cookie_client(stack, APP_HOST, OPERATOR_COOKIE, cookie.value)
    # The operator lands on a real page (the link names no other destination).
    landing = signed_in.get(response.headers["Location"])
    assert landing.status_code == 200, f"signed in, then sent to {response.headers['Location']}: {landing.status_code}"
    page = assert_html(signed_in.get(SETTINGS_PAGE))
    assert settings_form(page).value("name") == "Page Portal"
    # The link works once.
    again = client.post("/login/link", data=form.pairs())
    assert again.status_code == 400 and cookie_named(again, OPERATOR_COOKIE) is None
    assert "does not work" in assert_html(client.get(link), 400).text


@pytest.mark.parametrize("token", ["", "short", "A" * 43])
def test_a_bad_login_link_is_refused(stack, token):
    client = stack.client(APP_HOST)
    assert client.get(f"/login/link?token={token}").status_code == 400
    response = client.post("/login/link", data={"token": token})
    assert response.status_code == 400
    assert cookie_named(response, OPERATOR_COOKIE) is None


def test_a_login_link_posted_from_another_site_is_refused(stack, workspace):
    slug, _, emails = workspace
    client = stack.client(APP_HOST)
    form = parse_html(client.get(path_of(login_link(stack, slug, emails["owner"]))).text).form(action="/login/link")
    response = client.post("/login/link", data=form.pairs(), headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert cookie_named(response, OPERATOR_COOKIE) is None


def test_signing_out_ends_the_operator_session(stack, workspace):
    slug, _, emails = workspace
    operator = operator_login(stack, slug, emails["owner"])
    response = operator.client.post("/logout", data={"_csrf": operator.csrf})
    assert response.status_code in (302, 303) and response.headers["Location"] == "/login"
    assert_cookie_cleared(response, OPERATOR_COOKIE)
    assert operator.client.get(SETTINGS_PAGE).status_code in (302, 303)


# -- the page -------------------------------------------------------------------------------------------

def test_the_settings_page_shows_every_setting_with_its_current_value(stack, workspace):
    slug, api, emails = workspace
    document, _ = get_settings(api)
    page = assert_html(operator_login(stack, slug, emails["owner"]).client.get(SETTINGS_PAGE))
    form = settings_form(page)
    assert form.method == "post"
    assert form.value("version") == str(document["version"])
    assert form.value("_csrf")
    assert form.control("enabled").checked is True
    assert form.value("name") == "Page Portal"
    assert form.control("accentColor").type == "color" and form.value("accentColor") == "#1d4ed8"
    assert (form.value("headerLinks[0].label"), form.value("headerLinks[0].url")) == ("Status", "https://status.page.example")
    assert form.value("defaultAccess") == "member"
    # The status-label table lists every status of the workspace.
    for key in ["new", "open", "waiting_on_customer", "waiting_on_team", "on_hold", "resolved", "closed"]:
        form.control(f"issueStatusLabels[{key}]")
    assert form.value("issueStatusLabels[waiting_on_customer]") == "Waiting for you"
    for key in ["todo", "in_progress", "done"]:
        form.control(f"taskStatusLabels[{key}]")
    for key in ["title", "description", "status", "priority", "tags", "requester", "company", "tasks", "createdAt", "updatedAt"]:
        form.control(f"issueFields[{key}].visible")
    assert form.control("issueFields[title].visible").checked
    assert form.value("forms[0].key") == document["forms"][0]["key"]
    assert [control.value for control in form.controls if control.name == "auth.mode" and control.checked] == ["otp"]
    form.control("customDomain.hostname")
    # Every input is labelled (a <label for>, an aria-label, or a wrapping label).
    labelled = {element[1].get("for") for element in page.elements if element[0] == "label"}
    for control in form.controls:
        if control.tag in ("input", "select", "textarea") and control.type != "hidden" and control.type != "radio" \
                and control.type != "checkbox":
            assert control.attributes.get("id") in labelled or control.attributes.get("aria-label"), control.name
    assert "Save settings" in page.text


@pytest.mark.parametrize("as_sent", ["exactly-as-the-page-sends-it", "with-the-add-a-field-rows-emptied"])
def test_a_valid_post_saves_and_shows_the_saved_values(stack, workspace, as_sent):
    slug, api, emails = workspace
    before, _ = get_settings(api)
    operator = operator_login(stack, slug, emails["owner"])
    form = settings_form(assert_html(operator.client.get(SETTINGS_PAGE)))
    fixes = empty_field_rows(form) if as_sent == "with-the-add-a-field-rows-emptied" else {}
    response = operator.client.post(SETTINGS_PAGE, data=form.pairs({**fixes, "name": "Saved from the page",
                                                                    "accentColor": "#be123c",
                                                                    "headerLinks[1].label": "Docs",
                                                                    "headerLinks[1].url": "https://docs.page.example"}))
    assert response.status_code == 303, \
        f"an unchanged form with a new name and colour must save; got {response.status_code}: {page_errors(response.text)}"
    assert response.headers["Location"] == f"{SETTINGS_PAGE}?saved=1"
    page = assert_html(operator.client.get(response.headers["Location"]))
    assert "Settings saved." in page.text
    form = settings_form(page)
    assert (form.value("name"), form.value("accentColor")) == ("Saved from the page", "#be123c")
    after, _ = get_settings(api)
    assert after["version"] == before["version"] + 1
    assert (after["name"], after["accentColor"]) == ("Saved from the page", "#be123c")
    assert after["headerLinks"] == before["headerLinks"] + [{"label": "Docs", "url": "https://docs.page.example"}]
    # Everything else is as it was.
    for key in ["enabled", "logoUrl", "footerSections", "defaultAccess", "issueFields", "issueStatusLabels",
                "taskStatusLabels", "forms", "customDomain", "auth"]:
        assert after[key] == before[key], key
    event = next(event for event in json_of(api.get("/api/account/audit"))["events"]
                 if event["action"] == "portal_settings.updated")
    assert event["actor"]["type"] == "operator" and event["actor"]["label"] == emails["owner"]
    assert set(event["details"]["changes"]) == {"name", "accentColor", "headerLinks"}


def test_an_invalid_post_shows_the_error_beside_its_field_and_keeps_what_was_typed(stack, workspace):
    slug, api, emails = workspace
    before, _ = get_settings(api)
    operator = operator_login(stack, slug, emails["owner"])
    form = settings_form(assert_html(operator.client.get(SETTINGS_PAGE)))
    typed = {"name": "Typed but not saved", "headerLinks[0].url": "javascript:alert(1)",
             "issueStatusLabels[open]": "Being looked at", "footerSections[0].title": "Typed section",
             "footerSections[0].links[0].label": "Typed link", "footerSections[0].links[0].url": "https://typed.example"}
    response = operator.client.post(SETTINGS_PAGE, data=form.pairs(typed))
    page = assert_html(response, 422)
    assert "Nothing was saved" in page.text
    assert "must be an absolute http:// or https:// URL" in page.text_around("headerLinks[0].url")
    assert page.form(action=SETTINGS_PAGE).control("headerLinks[0].url").attributes.get("aria-invalid") == "true"
    assert "must be" not in page.text_around("name")
    form = settings_form(page)
    for name, value in typed.items():
        assert form.value(name) == value, name
    assert get_settings(api)[0] == before


@pytest.mark.parametrize("name, value, message", [
    ("name", "", "must not be empty"),
    ("logoUrl", "http://insecure.example/logo.png", "https://"),
    ("issueStatusLabels[open]", "x" * 41, "at most 40"),
    ("forms[0].key", "Not A Key", "lower-case"),
    ("auth.customAuthUrl", "http://login.example", "https://"),
])
def test_each_invalid_field_gets_its_own_message(stack, workspace, name, value, message):
    slug, api, emails = workspace
    before, _ = get_settings(api)
    operator = operator_login(stack, slug, emails["owner"])
    form = settings_form(assert_html(operator.client.get(SETTINGS_PAGE)))
    page = assert_html(operator.client.post(SETTINGS_PAGE, data=form.pairs({name: value})), 422)
    assert message in page.text_around(name), page.text_around(name)
    assert settings_form(page).value(name) == value
    assert get_settings(api)[0] == before


def test_a_post_without_the_csrf_token_is_403_and_saves_nothing(stack, workspace):
    slug, api, emails = workspace
    before, _ = get_settings(api)
    operator = operator_login(stack, slug, emails["owner"])
    form = settings_form(assert_html(operator.client.get(SETTINGS_PAGE)))
    assert operator.client.post(SETTINGS_PAGE, data=form.pairs({"name": "No token"}, drop=("_csrf",))).status_code == 403
    assert operator.client.post(SETTINGS_PAGE, data=form.pairs({"name": "Bad token", "_csrf": "x" * 43})).status_code == 403
    assert get_settings(api)[0] == before


def test_a_post_of_a_stale_version_is_refused_and_saves_nothing(stack, workspace):
    slug, api, emails = workspace
    operator = operator_login(stack, slug, emails["owner"])
    form = settings_form(assert_html(operator.client.get(SETTINGS_PAGE)))
    save_settings(api, lambda document: document.update(name="Changed meanwhile"))
    response = operator.client.post(SETTINGS_PAGE, data=form.pairs({**empty_field_rows(form), "name": "Would overwrite"}))
    page = assert_html(response, 412)
    assert "changed by someone else" in page.text
    assert settings_form(page).value("name") == "Would overwrite"
    assert get_settings(api)[0]["name"] == "Changed meanwhile"


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_an_operator_with_only_customers_read_sees_a_read_only_page_and_cannot_save(stack, workspace, role):
    slug, api, emails = workspace
    before, _ = get_settings(api)
    operator = operator_login(stack, slug, emails[role])
    page = assert_html(operator.client.get(SETTINGS_PAGE))
    assert "You can view these settings but not change them" in page.text
    form = settings_form(page)
    assert form.value("name") == "Page Portal"
    assert all(control.disabled for control in form.controls if control.name and control.name.startswith(("name", "headerLinks")))
    assert "Save settings" not in page.text
    # What a browser would send if the operator enabled the fields by hand: the token, the version, a change.
    data = form.pairs({"name": "Read-only edit"})
    assert ("_csrf", operator.csrf) in data
    response = operator.client.post(SETTINGS_PAGE, data=data)
    assert response.status_code == 403
    assert get_settings(api)[0] == before
