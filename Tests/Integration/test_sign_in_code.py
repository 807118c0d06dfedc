"""Customer sign-in by email code (`auth.mode = otp`), through nginx, with the
mail delivered by the worker to a real SMTP server (STARTTLS + AUTH) and read
back from it. Each test uses its own workspace and its own client address, so
the per-address limit of one test never meets another's."""

from __future__ import annotations

import itertools
import re
import sqlite3

import pytest

from conftest import json_of, portal_host, wait_for
from portal_support import PORTAL_COOKIE, SupportData, assert_session_cookie_flags, cookie_named, make_workspace, save_settings, unique
from sign_in_support import browser, read_sign_in_mail, request_code, sign_in_with_code

_addresses = itertools.count(10)


@pytest.fixture
def address():
    """A client address of its own (127.0.0.x) for this test."""
    return f"127.0.{next(_addresses) // 250}.{next(_addresses) % 250 + 2}"


@pytest.fixture
def shop(running_stack):
    """A fresh workspace with a member, an admin and a customer without access."""
    slug, key = make_workspace(running_stack, "otp")
    data = SupportData(running_stack, key)
    company = data.company(unique("Company"))
    people = {
        "member": data.customer(f"{unique('member')}@example.test", "Mia Member", company["id"], "member")["email"],
        "admin": data.customer(f"{unique('admin')}@example.test", "Adam Admin", company["id"], "admin")["email"],
        "none": data.customer(f"{unique('none')}@example.test", "Nora None", company["id"], "none")["email"],
    }
    save_settings(data.api, lambda document: document.update(name=f"Shop {slug} Support"))
    yield slug, key, people, data
    data.close()


def audit_actions(data: SupportData) -> list[dict]:
    response = data.api.get("/api/account/audit", params={"limit": 100})
    assert response.status_code == 200, response.text
    return json_of(response)["events"]


def test_a_code_from_the_mail_signs_the_customer_in(running_stack, shop, address):
    slug, _, people, _ = shop
    email = people["member"]
    client = browser(running_stack, portal_host(slug), address)

    login = client.get("/login")
    assert login.status_code == 200 and 'name="email"' in login.text
    asked = request_code(client, email, "/new")
    assert asked.status_code == 303
    assert asked.headers["Location"].startswith("/login/verify?email=")

    message = running_stack.wait_for_mail(email)
    mail = read_sign_in_mail(message)
    # Delivered over STARTTLS, after AUTH, from the portal's name.
    assert message["X-Sink-TLS"] == "yes" and message["X-Sink-Auth"] == "yes"
    assert message["From"].addresses[0].display_name == f"Shop {slug} Support"
    assert message["From"].addresses[0].addr_spec == "noreply@portal.localhost"
    assert message["To"].addresses[0].addr_spec == email
    assert mail.code in message["Subject"]
    assert mail.code in mail.html and "Shop" in mail.html
    assert mail.link.startswith(f"https://{portal_host(slug)}:{running_stack.https_port}/auth/link?token=")

    verify = client.get(asked.headers["Location"])
    assert verify.status_code == 200 and 'name="code"' in verify.text
    verified = client.post("/login/verify", data={"email": email, "code": mail.code, "next": "/new"})
    assert verified.status_code == 303 and verified.headers["Location"] == "/new"
    cookie = cookie_named(verified, PORTAL_COOKIE)
    assert cookie is not None
    assert_session_cookie_flags(cookie)
    client.session.headers["Cookie"] = f"{PORTAL_COOKIE}={cookie.value}"
    home = client.get("/")
    assert home.status_code == 200 and "Mia Member" in home.text

    # The code worked once.
    again = browser(running_stack, portal_host(slug), address).post(
        "/login/verify", data={"email": email, "code": mail.code, "next": "/"})
    assert again.status_code == 401 and cookie_named(again, PORTAL_COOKIE) is None


def test_the_json_start_answers_the_same_for_every_email_and_mails_only_customers_with_access(running_stack, shop, address):
    slug, _, people, _ = shop
    client = browser(running_stack, portal_host(slug), address)
    stranger = f"{unique('stranger')}@example.test"
    answers = []
    for email in [stranger, people["none"], people["member"]]:
        response = client.post("/api/portal/auth/otp/start", json={"email": email})
        answers.append((response.status_code, response.json()))
    assert answers == [(202, {"object": "otp_challenge", "sent": True})] * 3

    # Mail leaves in order: once the member's arrived, the others would have too.
    read_sign_in_mail(running_stack.wait_for_mail(people["member"]))
    assert running_stack.mails_to(stranger) == []
    assert running_stack.mails_to(people["none"]) == []


def test_json_verify_sets_the_session_and_a_wrong_code_looks_like_an_unknown_email(running_stack, shop, address):
    slug, _, people, _ = shop
    email = people["admin"]
    client = browser(running_stack, portal_host(slug), address)
    assert client.post("/api/portal/auth/otp/start", json={"email": email}).status_code == 202
    code = read_sign_in_mail(running_stack.wait_for_mail(email)).code
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    refused_wrong = client.post("/api/portal/auth/otp/verify", json={"email": email, "code": wrong})
    refused_unknown = client.post("/api/portal/auth/otp/verify", json={"email": f"{unique('nobody')}@example.test", "code": code})
    assert refused_wrong.status_code == refused_unknown.status_code == 401
    assert refused_wrong.json()["code"] == refused_unknown.json()["code"] == "unauthorized"
    assert refused_wrong.json() == refused_unknown.json()
    assert cookie_named(refused_wrong, PORTAL_COOKIE) is None

    accepted = client.post("/api/portal/auth/otp/verify", json={"email": email, "code": code})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["object"] == "portal_session" and accepted.json()["email"] == email
    cookie = cookie_named(accepted, PORTAL_COOKIE)
    assert cookie is not None
    me = browser(running_stack, portal_host(slug)).get("/api/portal/me", headers={"Cookie": f"{PORTAL_COOKIE}={cookie.value}"})
    assert me.status_code == 200 and me.json()["email"] == email and me.json()["accessLevel"] == "admin"


def test_five_wrong_codes_burn_the_challenge(running_stack, shop, address):
    slug, _, people, _ = shop
    email = people["member"]
    client = browser(running_stack, portal_host(slug), address)
    assert client.post("/api/portal/auth/otp/start", json={"email": email}).status_code == 202
    code = read_sign_in_mail(running_stack.wait_for_mail(email)).code
    for offset in range(1, 6):
        wrong = f"{(int(code) + offset) % 1_000_000:06d}"
        assert client.post("/api/portal/auth/otp/verify", json={"email": email, "code": wrong}).status_code == 401
    burnt = client.post("/api/portal/auth/otp/verify", json={"email": email, "code": code})
    assert burnt.status_code == 401 and cookie_named(burnt, PORTAL_COOKIE) is None


def test_a_new_code_waits_a_minute_and_an_address_gets_thirty_an_hour(running_stack, shop, address):
    slug, _, people, _ = shop
    client = browser(running_stack, portal_host(slug), address)
    assert client.post("/api/portal/auth/otp/start", json={"email": people["member"]}).status_code == 202
    again = client.post("/api/portal/auth/otp/start", json={"email": people["member"]})
    assert again.status_code == 429 and again.json()["code"] == "rate_limited"
    assert 1 <= int(again.headers["Retry-After"]) <= 60
    # The form says the same on the page, with the header.
    page = request_code(client, people["member"])
    assert page.status_code == 429 and 1 <= int(page.headers["Retry-After"]) <= 60
    assert "try again in" in page.text

    # 29 more emails from this address are fine; the 31st start is refused.
    for number in range(29):
        response = client.post("/api/portal/auth/otp/start", json={"email": f"{unique(f'n{number}')}@example.test"})
        assert response.status_code == 202, (number, response.text)
    limited = client.post("/api/portal/auth/otp/start", json={"email": f"{unique('last')}@example.test"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 60
    # Another address is not affected.
    other = browser(running_stack, portal_host(slug), "127.0.250.250")
    assert other.post("/api/portal/auth/otp/start", json={"email": people["admin"]}).status_code == 202


def test_the_one_click_link_asks_for_a_click_and_works_once(running_stack, shop, address):
    slug, _, people, _ = shop
    email = people["member"]
    client = browser(running_stack, portal_host(slug), address)
    assert request_code(client, email).status_code == 303
    mail = read_sign_in_mail(running_stack.wait_for_mail(email))

    # A link scanner's GETs spend nothing.
    for _ in range(2):
        confirm = client.get(mail.link_path)
        assert confirm.status_code == 200 and email in confirm.text and 'action="/auth/link"' in confirm.text
    signed_in = client.post("/auth/link", data={"token": mail.link.split("token=")[1]})
    assert signed_in.status_code == 303 and cookie_named(signed_in, PORTAL_COOKIE) is not None
    spent = client.post("/auth/link", data={"token": mail.link.split("token=")[1]})
    assert spent.status_code == 400 and cookie_named(spent, PORTAL_COOKIE) is None
    assert client.get(mail.link_path).status_code == 400
    # The code of the same mail went with the link.
    assert client.post("/api/portal/auth/otp/verify", json={"email": email, "code": mail.code}).status_code == 401


def test_signing_in_again_rotates_the_session_token(running_stack, shop, address):
    slug, _, people, _ = shop
    email = people["member"]
    first, old_token = sign_in_with_code(running_stack, slug, email, address)
    assert first.get("/").status_code == 200
    # The same browser, still sending its cookie, signs in again (here as a colleague).
    colleague = people["admin"]
    assert request_code(first, colleague).status_code == 303
    code = read_sign_in_mail(running_stack.wait_for_mail(colleague)).code
    verified = first.post("/login/verify", data={"email": colleague, "code": code, "next": "/"})
    new = cookie_named(verified, PORTAL_COOKIE)
    assert verified.status_code == 303 and new is not None and new.value != old_token
    stale = browser(running_stack, portal_host(slug)).get("/api/portal/me", headers={"Cookie": f"{PORTAL_COOKIE}={old_token}"})
    assert stale.status_code == 401
    fresh = browser(running_stack, portal_host(slug)).get("/api/portal/me", headers={"Cookie": f"{PORTAL_COOKIE}={new.value}"})
    assert fresh.status_code == 200


BAD_EMAILS = ["not-an-email", "a" * 250 + "@x.test", "victim@example.test\r\nBcc: evil@example.test",
              "victim@example.test\nBcc: evil@example.test", "", "@example.test", "a@", "a b@example.test"]


@pytest.mark.parametrize("bad", BAD_EMAILS, ids=range(len(BAD_EMAILS)))
def test_malformed_emails_are_refused_and_nothing_is_written(running_stack, shop, address, bad):
    slug, _, _, _ = shop
    client = browser(running_stack, portal_host(slug), address)
    before = table_counts(running_stack)
    response = client.post("/api/portal/auth/otp/start", json={"email": bad})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_failed"
    assert [field["field"] for field in response.json()["fields"]] == ["email"]
    page = request_code(client, bad)
    assert page.status_code == 422 and "Enter a valid email address." in page.text
    assert table_counts(running_stack) == before
    assert running_stack.mails_to("evil@example.test") == []


BAD_CODES = ["12345", "1234567", "abcdef", "12 345", "", "１２３４５６"]


@pytest.mark.parametrize("bad", BAD_CODES, ids=range(len(BAD_CODES)))
def test_a_code_that_is_not_six_digits_is_refused_without_spending_a_try(running_stack, shop, address, bad):
    slug, _, people, _ = shop
    email = people["member"]
    client = browser(running_stack, portal_host(slug), address)
    assert client.post("/api/portal/auth/otp/start", json={"email": email}).status_code == 202
    code = read_sign_in_mail(running_stack.wait_for_mail(email)).code
    before = table_counts(running_stack)
    for _ in range(6):
        response = client.post("/api/portal/auth/otp/verify", json={"email": email, "code": bad})
        assert response.status_code == 422 and response.json()["code"] == "validation_failed", response.text
        assert "code" in [field["field"] for field in response.json()["fields"]]
    assert table_counts(running_stack) == before
    # Six malformed tries did not burn the challenge.
    assert client.post("/api/portal/auth/otp/verify", json={"email": email, "code": code}).status_code == 200


def test_a_sign_in_form_posted_from_another_site_is_refused(running_stack, shop, address):
    slug, _, people, _ = shop
    client = browser(running_stack, portal_host(slug), address)
    response = client.post("/login", data={"email": people["member"]}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert running_stack.mails_to(people["member"]) == []


def test_sign_in_is_audited(running_stack, shop, address):
    slug, _, people, data = shop
    email = people["member"]
    client = browser(running_stack, portal_host(slug), address)
    client.post("/api/portal/auth/otp/start", json={"email": f"{unique('ghost')}@example.test"})
    client.post("/api/portal/auth/otp/start", json={"email": email})
    code = read_sign_in_mail(running_stack.wait_for_mail(email)).code
    client.post("/api/portal/auth/otp/verify", json={"email": email, "code": f"{(int(code) + 7) % 1_000_000:06d}"})
    assert client.post("/api/portal/auth/otp/verify", json={"email": email, "code": code}).status_code == 200

    events = audit_actions(data)
    actions = [event["action"] for event in events]
    assert actions.count("auth.code_requested") == 1  # the unknown email
    assert actions.count("auth.code_sent") == 1
    assert actions.count("auth.login_succeeded") == 1
    failed = [event for event in events if event["action"] == "auth.login_failed"]
    assert len(failed) == 1 and failed[0]["details"]["reason"] == "wrong_or_expired_code"
    # No code, hash or token ever reaches the audit log.
    assert code not in str(events)


def test_mail_status_shows_sent_and_refused_mail(running_stack, shop, address):
    slug, key, _, data = shop
    bounce = data.customer(f"bounce-{unique('b')}@example.test", "Bo Bounce", None, "member")["email"]
    good = data.customer(f"{unique('good')}@example.test", "Gus Good", None, "member")["email"]
    client = browser(running_stack, portal_host(slug), address)
    assert client.post("/api/portal/auth/otp/start", json={"email": bounce}).status_code == 202
    assert client.post("/api/portal/auth/otp/start", json={"email": good}).status_code == 202
    running_stack.wait_for_mail(good)

    def refused_line():
        for line in running_stack.cli("mail", "status", "--recent", "200").stdout.splitlines():
            if bounce in line and "\tfailed\t" in line:
                return line
        return None

    line = wait_for(refused_line, 20, what="the refused mail in `portal mail status`")
    assert "550" in line and "attempts 1" in line
    status = running_stack.cli("mail", "status").stdout
    assert re.search(r"sent: [1-9]", status) and re.search(r"failed: [1-9]", status)
    assert running_stack.mails_to(bounce) == []


def test_mail_waits_while_the_smtp_server_is_down_and_goes_once_it_is_back(running_stack, shop, address):
    slug, _, people, _ = shop
    email = people["admin"]
    running_stack.stop_smtp()
    try:
        client = browser(running_stack, portal_host(slug), address)
        assert client.post("/api/portal/auth/otp/start", json={"email": email}).status_code == 202

        def pending_line():
            for line in running_stack.cli("mail", "status").stdout.splitlines():
                if email in line and "\tpending\t" in line and "attempts 1" in line:
                    return line
            return None

        line = wait_for(pending_line, 20, what="a pending mail with one failed attempt")
        assert "next " in line
    finally:
        running_stack.start_smtp()
    # Retried after its backoff (10 s), delivered exactly once.
    mail = read_sign_in_mail(running_stack.wait_for_mail(email, timeout=40))
    assert len(running_stack.mails_to(email)) == 1
    assert client.post("/api/portal/auth/otp/verify", json={"email": email, "code": mail.code}).status_code == 200


def table_counts(stack) -> dict:
    connection = sqlite3.connect(stack.database)
    try:
        return {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ["sign_in_challenge", "outbox_mail", "rate_limit_event", "portal_session", "customer", "audit_event"]}
    finally:
        connection.close()
