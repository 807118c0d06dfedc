"""The customer's /account page: where they are signed in, and signing out
other devices (never anyone else's)."""

from __future__ import annotations

import re

from conftest import portal_host
from portal_support import (PORTAL_COOKIE, SupportData, cookie_client, csrf_of, customer_client, dev_session, make_workspace,
                            unique)
from sign_in_support import sign_in_with_code

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def signed_in(stack, slug, token) -> bool:
    response = cookie_client(stack, portal_host(slug), PORTAL_COOKIE, token).get("/api/portal/me")
    assert response.status_code in (200, 401), response.text
    return response.status_code == 200


def test_account_lists_sessions_and_signs_out_other_devices(running_stack):
    slug, key = make_workspace(running_stack, "acct")
    data = SupportData(running_stack, key)
    email = data.customer(f"{unique('me')}@example.test", "Max Me", None, "member")["email"]
    neighbour = data.customer(f"{unique('you')}@example.test", "Yan You", None, "member")["email"]

    laptop, laptop_token = sign_in_with_code(running_stack, slug, email, "127.0.4.1", user_agent=FIREFOX)
    tablet_token = dev_session(running_stack, slug, email)   # other devices: sessions made by the admin tool
    phone_token = dev_session(running_stack, slug, email)
    neighbour_token = dev_session(running_stack, slug, neighbour)

    page = laptop.get("/account")
    assert page.status_code == 200
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>", page.text, re.S)
    assert len(rows) == 3
    assert sum("This device" in row for row in rows) == 1
    assert any("Firefox on Linux" in row and "This device" in row for row in rows)
    revoke_forms = re.findall(r'action="/account/sessions/(\d+)/revoke"', page.text)
    assert len(revoke_forms) == 2  # not the current one

    csrf = csrf_of(page.text)
    # Someone else's session is not the customer's to end: the neighbour's second session, by its id.
    neighbour_second = dev_session(running_stack, slug, neighbour)
    neighbour_page = cookie_client(running_stack, portal_host(slug), PORTAL_COOKIE, neighbour_token).get("/account")
    (foreign_id,) = re.findall(r"/account/sessions/(\d+)/revoke", neighbour_page.text)
    refused = laptop.post(f"/account/sessions/{foreign_id}/revoke", data={"_csrf": csrf})
    assert refused.status_code == 404
    assert signed_in(running_stack, slug, neighbour_second)

    # Without the CSRF token nothing happens.
    assert laptop.post(f"/account/sessions/{revoke_forms[0]}/revoke").status_code == 403
    one = laptop.post(f"/account/sessions/{revoke_forms[0]}/revoke", data={"_csrf": csrf})
    assert one.status_code == 303 and one.headers["Location"] == "/account?signed-out=1"
    assert [signed_in(running_stack, slug, token) for token in (laptop_token, tablet_token, phone_token)].count(False) == 1

    rest = laptop.post("/account/sessions/revoke-others", data={"_csrf": csrf})
    assert rest.status_code == 303
    assert signed_in(running_stack, slug, laptop_token)
    assert not signed_in(running_stack, slug, tablet_token) and not signed_in(running_stack, slug, phone_token)
    assert signed_in(running_stack, slug, neighbour_token)
    after = laptop.get(rest.headers["Location"])
    assert "You are not signed in anywhere else." in after.text and "device" in after.text
    data.close()


def test_the_development_header_can_look_but_not_revoke(running_stack):
    slug, key = make_workspace(running_stack, "acct")
    data = SupportData(running_stack, key)
    email = data.customer(f"{unique('dev')}@example.test", "Dee Dev", None, "member")["email"]
    dev_session(running_stack, slug, email)
    client = customer_client(running_stack, slug, email)
    page = client.get("/account")
    assert page.status_code == 200 and "Sign out all other devices" not in page.text
    assert client.post("/account/sessions/revoke-others").status_code == 403
    data.close()
