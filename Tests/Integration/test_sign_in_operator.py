"""Operator sign-in on the app host by email code (the bootstrap link of
`portal operator login-link` keeps working, see test_settings_page), and sign-out."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import APP_HOST, json_of
from portal_support import OPERATOR_COOKIE, assert_cookie_cleared, cookie_named, csrf_of, make_workspace, unique
from sign_in_support import browser, operator_sign_in_with_code, read_sign_in_mail, request_code

SETTINGS = "/clients/portal/settings"


@pytest.fixture
def team(running_stack):
    slug, key = make_workspace(running_stack, "ops")
    email = f"{unique('op')}@example.test"
    running_stack.create_operator(slug, email, "Oona Operator", "owner")
    return slug, key, email


def test_an_operator_signs_in_with_the_code_from_the_mail_and_signs_out(running_stack, team):
    slug, key, email = team
    client, verified = operator_sign_in_with_code(running_stack, email, "127.0.3.1")
    message = running_stack.mails_to(email)[0]
    assert message["From"].addresses[0].display_name == "Woes"
    assert read_sign_in_mail(message).link.startswith(f"https://{APP_HOST}:{running_stack.https_port}/login/code-link?token=")
    assert verified.status_code == 303 and verified.headers["Location"] == SETTINGS
    cookie = cookie_named(verified, OPERATOR_COOKIE)
    assert cookie is not None
    client.session.headers["Cookie"] = f"{OPERATOR_COOKIE}={cookie.value}"
    page = client.get(SETTINGS)
    assert page.status_code == 200 and f"Workspace {slug}" in page.text

    signed_out = client.post("/logout", data={"_csrf": csrf_of(page.text)})
    assert signed_out.status_code == 303 and signed_out.headers["Location"] == "/login"
    assert_cookie_cleared(signed_out, OPERATOR_COOKIE)
    after = client.get(SETTINGS)
    assert after.status_code == 303 and after.headers["Location"].startswith("/login")

    events = json_of(running_stack.client(APP_HOST, key=key).get("/api/account/audit"))["events"]
    actions = [event["action"] for event in events]
    assert "operator.code_sent" in actions and "operator.signed_in" in actions


def test_an_unknown_email_gets_the_same_answer_and_no_mail(running_stack, team):
    _, _, email = team
    stranger = f"{unique('stranger')}@example.test"
    client = browser(running_stack, APP_HOST, "127.0.3.2")
    known, unknown = request_code(client, email), request_code(client, stranger)
    assert known.status_code == unknown.status_code == 303
    for response, address in [(known, email), (unknown, stranger)]:
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login/verify" and parse_qs(location.query)["email"] == [address]
    running_stack.wait_for_mail(email)
    assert running_stack.mails_to(stranger) == []


def test_the_one_click_link_asks_for_a_click(running_stack, team):
    _, _, email = team
    client = browser(running_stack, APP_HOST, "127.0.3.3")
    assert request_code(client, email).status_code == 303
    mail = read_sign_in_mail(running_stack.wait_for_mail(email))
    confirm = client.get(mail.link_path)
    assert confirm.status_code == 200 and 'action="/login/code-link"' in confirm.text
    token = mail.link.split("token=")[1]
    signed_in = client.post("/login/code-link", data={"token": token})
    assert signed_in.status_code == 303 and cookie_named(signed_in, OPERATOR_COOKIE) is not None
    assert client.post("/login/code-link", data={"token": token}).status_code == 400


def test_an_operator_of_several_workspaces_chooses_one(running_stack, team):
    slug, _, email = team
    other, _ = make_workspace(running_stack, "ops2")
    running_stack.create_operator(other, email, "Oona Elsewhere", "viewer")
    client, verified = operator_sign_in_with_code(running_stack, email, "127.0.3.4")
    assert verified.status_code == 200 and "Choose a workspace" in verified.text
    assert f"Workspace {slug}" in verified.text and f"Workspace {other}" in verified.text
    tokens = re.findall(r'name="token" value="([^"]+)"', verified.text)
    assert len(tokens) == 2
    chosen = client.post("/login/link", data={"token": tokens[1], "next": SETTINGS})
    assert chosen.status_code == 303
    client.session.headers["Cookie"] = f"{OPERATOR_COOKIE}={cookie_named(chosen, OPERATOR_COOKIE).value}"
    assert f"Workspace {other}" in client.get(SETTINGS).text


def test_wrong_codes_limits_and_bad_input(running_stack, team):
    slug, key, email = team
    client = browser(running_stack, APP_HOST, "127.0.3.5")
    assert request_code(client, email).status_code == 303
    code = read_sign_in_mail(running_stack.wait_for_mail(email)).code
    wrong = client.post("/login/verify", data={"email": email, "code": f"{(int(code) + 1) % 1_000_000:06d}"})
    assert wrong.status_code == 401 and cookie_named(wrong, OPERATOR_COOKIE) is None
    assert client.post("/login/verify", data={"email": email, "code": "12345"}).status_code == 422
    assert client.post("/login/verify", data={"email": email, "code": "abcdef"}).status_code == 422
    assert request_code(client, "not-an-email").status_code == 422
    assert request_code(client, email + "\r\nBcc: evil@example.test").status_code == 422
    again = request_code(client, email)
    assert again.status_code == 429 and 1 <= int(again.headers["Retry-After"]) <= 60
    failed = [event for event in json_of(running_stack.client(APP_HOST, key=key).get("/api/account/audit"))["events"]
              if event["action"] == "operator.sign_in_failed"]
    assert len(failed) == 1 and failed[0]["details"]["reason"] == "wrong_or_expired_code"
    # Four more wrong codes burn it.
    for offset in range(2, 6):
        client.post("/login/verify", data={"email": email, "code": f"{(int(code) + offset) % 1_000_000:06d}"})
    assert client.post("/login/verify", data={"email": email, "code": code}).status_code == 401
