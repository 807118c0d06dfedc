"""Helpers for the sign-in tests: reading the mail the real SMTP server received,
and signing in through nginx the way a browser does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from conftest import APP_HOST, Client, Stack, portal_host
from portal_support import PORTAL_COOKIE, _no_cookie_jar, cookie_named, path_of

CODE_PATTERN = re.compile(r"\b(\d{6})\b")


@dataclass
class SignInMail:
    message: object
    text: str
    html: str
    code: str
    link: str

    @property
    def link_path(self) -> str:
        return path_of(self.link)


def read_sign_in_mail(message) -> SignInMail:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    code = CODE_PATTERN.search(text)
    link = re.search(r"(https://\S+/(?:auth/link|login/code-link)\?token=[A-Za-z0-9_-]+)", text)
    assert code and link, f"no code or link in the mail:\n{text}"
    return SignInMail(message, text, html, code.group(1), link.group(1))


def browser(stack: Stack, host: str, source_address: Optional[str] = None) -> Client:
    """A client that keeps no cookies of its own: the tests pass them explicitly."""
    return _no_cookie_jar(stack.client(host, source_address=source_address))


def request_code(client: Client, email: str, next_path: str = "/"):
    return client.post("/login", data={"email": email, "next": next_path})


def sign_in_with_code(stack: Stack, slug: str, email: str, source_address: Optional[str] = None,
                      mail_number: Optional[int] = None, user_agent: Optional[str] = None) -> tuple[Client, str]:
    """Asks for a code on the portal's /login, reads it from the mail, enters it: (client with cookie, token)."""
    client = browser(stack, portal_host(slug), source_address)
    if user_agent:
        client.session.headers["User-Agent"] = user_agent
    count = len(stack.mails_to(email)) + 1 if mail_number is None else mail_number
    asked = request_code(client, email)
    assert asked.status_code == 303, f"POST /login: {asked.status_code} {asked.text[:300]}"
    mail = read_sign_in_mail(stack.wait_for_mail(email, count))
    verified = client.post("/login/verify", data={"email": email, "code": mail.code, "next": "/"})
    assert verified.status_code == 303, f"POST /login/verify: {verified.status_code} {verified.text[:500]}"
    cookie = cookie_named(verified, PORTAL_COOKIE)
    assert cookie is not None and cookie.value
    client.session.headers["Cookie"] = f"{PORTAL_COOKIE}={cookie.value}"
    return client, cookie.value


def operator_sign_in_with_code(stack: Stack, email: str, source_address: Optional[str] = None) -> tuple[Client, object]:
    client = browser(stack, APP_HOST, source_address)
    count = len(stack.mails_to(email)) + 1
    asked = request_code(client, email, "/clients/portal/settings")
    assert asked.status_code == 303, f"POST /login: {asked.status_code} {asked.text[:300]}"
    mail = read_sign_in_mail(stack.wait_for_mail(email, count))
    verified = client.post("/login/verify", data={"email": email, "code": mail.code, "next": "/clients/portal/settings"})
    return client, verified


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""
