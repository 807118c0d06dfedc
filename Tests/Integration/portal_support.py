"""Helpers shared by the portal, settings, preview and browser tests.

Everything here talks to the real stack of ``conftest.py`` (nginx over HTTPS,
the worker, the admin CLI). The only thing done behind the product's back is
`define_custom_fields` and `age_portal_session`: workspaces get their custom
fields from the rest of Woes and sessions expire with time, and neither has
an API or command here, so the tests write those two rows in SQLite directly.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import json
import re
import sqlite3
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Optional
from urllib.parse import urlsplit

import requests

from conftest import APP_HOST, Client, Stack, json_of, portal_host

DEV_HEADER = "X-Woes-Portal-Dev-Session"
PORTAL_COOKIE = "woes_portal_session"
OPERATOR_COOKIE = "woes_session"
SETTINGS_PATH = "/api/account/client-portal/settings"
SETTINGS_KEYS = {"enabled", "name", "logoUrl", "accentColor", "headerLinks", "footerSections", "defaultAccess",
                 "issueFields", "issueStatusLabels", "taskStatusLabels", "forms", "customDomain", "auth"}
READ_ONLY_KEYS = {"object", "version", "updatedAt"}
REF_PATTERN = re.compile(r"ISS-\d+")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def word(prefix: str = "w") -> str:
    """A search word: letters and digits only, unlikely to occur anywhere else."""
    return f"{prefix}{uuid.uuid4().hex[:12]}"


# -- clients -----------------------------------------------------------------------------------------

def _no_cookie_jar(client: Client) -> Client:
    """Cookies are sent explicitly by the tests: the client never stores any."""
    client.session.cookies = requests.cookies.RequestsCookieJar(
        policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return client


def customer_client(stack: Stack, slug: str, email: Optional[str] = None) -> Client:
    """A portal client that is `email` through the development session header (no CSRF needed)."""
    client = _no_cookie_jar(stack.client(portal_host(slug)))
    if email is not None:
        client.session.headers[DEV_HEADER] = email
    return client


def dev_session(stack: Stack, slug: str, email: str) -> str:
    """A real portal session from `portal dev-session`: the cookie value."""
    token = stack.last_line(stack.cli("dev-session", "--workspace", slug, "--email", email))
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), f"not a session token: {token!r}"
    return token


def cookie_client(stack: Stack, host: str, cookie_name: str, token: str) -> Client:
    client = _no_cookie_jar(stack.client(host))
    client.session.headers["Cookie"] = f"{cookie_name}={token}"
    return client


def session_client(stack: Stack, slug: str, email: str) -> tuple[Client, str]:
    """A portal client with a real session cookie, and that session's CSRF token (read from a page)."""
    token = dev_session(stack, slug, email)
    client = cookie_client(stack, portal_host(slug), PORTAL_COOKIE, token)
    home = client.get("/")
    assert home.status_code == 200, f"GET / with a fresh session: {home.status_code} {home.text[:300]}"
    return client, csrf_of(home.text)


def csrf_of(page: str) -> str:
    match = re.search(r'name="_csrf" value="([^"]*)"', page)
    assert match and match.group(1), "no _csrf hidden input with a value on the page"
    return match.group(1)


def login_link(stack: Stack, slug: str, email: str) -> str:
    link = stack.last_line(stack.cli("operator", "login-link", "--workspace", slug, "--email", email,
                                     "--base-url", f"https://{APP_HOST}:{stack.https_port}"))
    assert link.startswith(f"https://{APP_HOST}:{stack.https_port}/login/link?token="), link
    return link


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class OperatorBrowser:
    """An operator signed in through a one-time link, like a browser: cookie + CSRF token."""
    client: Client
    token: str
    sign_in_response: requests.Response

    @property
    def csrf(self) -> str:
        return csrf_of(self.client.get("/clients/portal/settings").text)


def operator_login(stack: Stack, slug: str, email: str) -> OperatorBrowser:
    client = _no_cookie_jar(stack.client(APP_HOST))
    confirm = client.get(path_of(login_link(stack, slug, email)))
    assert confirm.status_code == 200, f"login link page: {confirm.status_code} {confirm.text[:300]}"
    form = parse_html(confirm.text).form(action="/login/link")
    response = client.post("/login/link", data=form.pairs(),
                           headers={"Origin": f"https://{APP_HOST}:{stack.https_port}"})
    assert response.status_code == 303, f"POST /login/link: {response.status_code} {response.text[:300]}"
    cookie = cookie_named(response, OPERATOR_COOKIE)
    assert cookie is not None and cookie.value, f"no {OPERATOR_COOKIE} cookie: {set_cookie_headers(response)}"
    client.session.headers["Cookie"] = f"{OPERATOR_COOKIE}={cookie.value}"
    return OperatorBrowser(client, cookie.value, response)


# -- cookies -----------------------------------------------------------------------------------------

@dataclass
class SetCookie:
    name: str
    value: str
    attributes: dict  # lower-cased attribute name → value ("" for flags)
    raw: str


def set_cookie_headers(response) -> list[str]:
    raw = getattr(response, "raw", None)
    if raw is not None and hasattr(raw, "headers") and hasattr(raw.headers, "getlist"):
        return raw.headers.getlist("Set-Cookie")
    return response.headers.get_all("Set-Cookie") or []


def parse_set_cookie(header: str) -> SetCookie:
    parts = [part.strip() for part in header.split(";")]
    name, _, value = parts[0].partition("=")
    attributes = {}
    for part in parts[1:]:
        key, _, attribute_value = part.partition("=")
        attributes[key.strip().lower()] = attribute_value.strip()
    return SetCookie(name.strip(), value.strip(), attributes, header)


def cookie_named(response, name: str) -> Optional[SetCookie]:
    for header in set_cookie_headers(response):
        cookie = parse_set_cookie(header)
        if cookie.name == name:
            return cookie
    return None


def assert_session_cookie_flags(cookie: SetCookie):
    """HttpOnly; Secure; SameSite=Lax; Path=/; host-only (no Domain)."""
    assert "httponly" in cookie.attributes, cookie.raw
    assert "secure" in cookie.attributes, cookie.raw
    assert cookie.attributes.get("samesite", "").lower() == "lax", cookie.raw
    assert cookie.attributes.get("path") == "/", cookie.raw
    assert "domain" not in cookie.attributes, f"a session cookie must be host-only: {cookie.raw}"


def assert_cookie_cleared(response, name: str):
    cookie = cookie_named(response, name)
    assert cookie is not None, f"expected the {name} cookie to be cleared; Set-Cookie: {set_cookie_headers(response)}"
    assert cookie.value == "", cookie.raw
    assert cookie.attributes.get("max-age") == "0" or "expires" in cookie.attributes, cookie.raw
    assert_session_cookie_flags(cookie)


# -- direct database access (only what no API offers) ---------------------------------------------------

def define_custom_fields(stack: Stack, slug: str, fields: list[dict]) -> None:
    """Gives a workspace custom fields (`{"key","label","type","options"}`), as the rest of Woes would."""
    with sqlite3.connect(stack.database, timeout=15) as db:
        changed = db.execute("UPDATE workspace SET custom_fields = ?, updated_at = updated_at + 1 WHERE slug = ?",
                             (json.dumps(fields), slug)).rowcount
    assert changed == 1, f"no workspace {slug}"


def age_portal_session(stack: Stack, token: str, *, idle_hours: float = 0, past_absolute_expiry: bool = False) -> None:
    """Moves a session's clock: last seen `idle_hours` ago, and/or its absolute expiry into the past."""
    token_hash = hashlib.sha256(token.encode()).digest()
    with sqlite3.connect(stack.database, timeout=15) as db:
        if idle_hours:
            shift = int(idle_hours * 3600 * 1000)
            changed = db.execute("UPDATE portal_session SET last_seen_at = last_seen_at - ?, created_at = created_at - ? "
                                 "WHERE token_hash = ?", (shift, shift, token_hash)).rowcount
            assert changed == 1
        if past_absolute_expiry:
            changed = db.execute("UPDATE portal_session SET expires_at = created_at WHERE token_hash = ?",
                                 (token_hash,)).rowcount
            assert changed == 1


# -- workspaces and their data through the support REST API ---------------------------------------------

def make_workspace(stack: Stack, prefix: str, permissions: Optional[list[str]] = None) -> tuple[str, str]:
    """A fresh workspace (slug) and an API key with every permission (or `permissions`)."""
    slug = f"{prefix}-{uuid.uuid4().hex[:8]}"
    stack.create_workspace(slug, f"Workspace {slug}")
    return slug, stack.create_api_key(slug, f"{slug} key", permissions=permissions)


def created(response, object_name: str) -> dict:
    assert response.status_code == 201, f"expected 201 {object_name}, got {response.status_code}: {response.text[:800]}"
    body = json_of(response)
    assert body["object"] == object_name, body
    return body


class SupportData:
    """Creates companies, customers, issues, messages, notes and tasks with a workspace's key."""

    def __init__(self, stack: Stack, key: str):
        self.api = stack.client(APP_HOST, key=key)

    def company(self, name: str) -> dict:
        return created(self.api.post("/api/v1/companies", json={"name": name}), "company")

    def customer(self, email: str, name: Optional[str], company_id: Optional[int], access: Optional[str]) -> dict:
        body = {"email": email}
        if name is not None:
            body["name"] = name
        if company_id is not None:
            body["companyId"] = company_id
        if access is not None:
            body["portalAccess"] = access
        return created(self.api.post("/api/v1/customers", json=body), "customer")

    def issue(self, customer_id: int, title: str, description: str = "", **extra) -> dict:
        body = {"title": title, "description": description, "customerId": customer_id, **extra}
        return created(self.api.post("/api/v1/issues", json=body), "issue")

    def message(self, issue_id: int, body: str, **extra) -> dict:
        return created(self.api.post(f"/api/v1/issues/{issue_id}/messages", json={"body": body, **extra}), "message")

    def note(self, issue_id: int, body: str) -> dict:
        return created(self.api.post(f"/api/v1/issues/{issue_id}/notes", json={"body": body}), "note")

    def task(self, issue_id: int, title: str, status: Optional[str] = None) -> dict:
        body = {"title": title} | ({"status": status} if status else {})
        return created(self.api.post(f"/api/v1/issues/{issue_id}/tasks", json=body), "task")

    def get_issue(self, ref_or_id) -> dict:
        response = self.api.get(f"/api/v1/issues/{ref_or_id}")
        assert response.status_code == 200, response.text
        return json_of(response)

    def close(self):
        self.api.close()


# -- settings ------------------------------------------------------------------------------------------

def get_settings(api: Client) -> tuple[dict, requests.Response]:
    response = api.get(SETTINGS_PATH)
    assert response.status_code == 200, f"GET settings: {response.status_code} {response.text[:500]}"
    return json_of(response), response


def editable(document: dict) -> dict:
    """The settings document without its read-only parts (what a client sends back)."""
    return {key: value for key, value in document.items() if key not in READ_ONLY_KEYS}


def put_settings(api: Client, document: dict, if_match: Optional[str] = None) -> requests.Response:
    headers = {"If-Match": if_match} if if_match is not None else {}
    return api.put(SETTINGS_PATH, json=editable(document), headers=headers)


def save_settings(api: Client, change) -> dict:
    """GET, change (a function editing the document in place), PUT with If-Match; returns the saved document."""
    document, response = get_settings(api)
    change(document)
    saved = put_settings(api, document, if_match=response.headers["ETag"])
    assert saved.status_code == 200, f"PUT settings: {saved.status_code} {saved.text[:1500]}"
    return json_of(saved)


def portal_form(key: str, title: str, fields: list[dict], enabled: bool = True, description: str = "") -> dict:
    return {"key": key, "title": title, "description": description, "enabled": enabled, "fields": fields}


def form_field(key: str, label: str, type_: str, required: bool = False, options: Optional[list[str]] = None) -> dict:
    result = {"key": key, "label": label, "type": type_, "required": required}
    if options is not None:
        result["options"] = options
    return result


# -- HTML ----------------------------------------------------------------------------------------------

@dataclass
class Control:
    tag: str
    type: str
    name: Optional[str]
    value: str
    checked: bool
    disabled: bool
    attributes: dict
    options: list = field(default_factory=list)  # (value, selected) for selects
    text: str = ""  # textarea content

    @property
    def is_submit(self) -> bool:
        return (self.tag == "button" and self.type in ("submit", "")) or (self.tag == "input" and self.type in ("submit", "image"))


@dataclass
class Form:
    method: str
    action: str
    attributes: dict
    controls: list = field(default_factory=list)

    def pairs(self, overrides: Optional[dict] = None, drop: tuple = ()) -> list[tuple[str, str]]:
        """What a browser submits (successful controls, no submit button), with values replaced by `overrides`."""
        overrides = dict(overrides or {})
        result = []
        for control in self.controls:
            if control.disabled or not control.name or control.is_submit or control.tag == "button":
                continue
            if control.name in drop:
                continue
            if control.name in overrides:
                continue
            if control.tag == "input" and control.type in ("checkbox", "radio"):
                if control.checked:
                    result.append((control.name, control.value if "value" in control.attributes else "on"))
            elif control.tag == "select":
                chosen = [value for value, selected in control.options if selected]
                if not chosen and control.options and "multiple" not in control.attributes:
                    chosen = [control.options[0][0]]
                result.extend((control.name, value) for value in chosen)
            elif control.tag == "textarea":
                result.append((control.name, control.text))
            elif control.tag == "input" and control.type in ("file", "reset", "button", "image"):
                continue
            else:
                result.append((control.name, control.value))
        for name, value in overrides.items():
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                result.extend((name, item) for item in value)
            else:
                result.append((name, value))
        return result

    def control(self, name: str) -> Control:
        matches = [control for control in self.controls if control.name == name]
        assert matches, f"no control named {name!r} in the form posting to {self.action!r}"
        return matches[0]

    def value(self, name: str) -> str:
        control = self.control(name)
        if control.tag == "textarea":
            return control.text
        if control.tag == "select":
            chosen = [value for value, selected in control.options if selected]
            return chosen[0] if chosen else (control.options[0][0] if control.options else "")
        return control.value

    @property
    def enabled_submits(self) -> list:
        return [control for control in self.controls if control.is_submit and not control.disabled]


@dataclass
class Page:
    forms: list
    text: str  # visible text, entities decoded, whitespace collapsed
    elements: list  # (tag, attributes, text, parent index) for every element, attributes decoded
    source: str

    def form(self, action: Optional[str] = None, method: Optional[str] = None, id: Optional[str] = None) -> Form:
        matches = [form for form in self.forms
                   if (action is None or form.action == action) and (method is None or form.method == method)
                   and (id is None or form.attributes.get("id") == id)]
        assert len(matches) == 1, f"expected one form (action={action!r}, method={method!r}, id={id!r}); " \
                                  f"forms: {[(f.method, f.action) for f in self.forms]}"
        return matches[0]

    def by_class(self, class_name: str) -> list:
        return [element for element in self.elements if class_name in (element[1].get("class") or "").split()]

    def texts_of_class(self, class_name: str) -> list[str]:
        return [element[2] for element in self.by_class(class_name)]

    def by_id(self, element_id: str):
        matches = [element for element in self.elements if element[1].get("id") == element_id]
        return matches[0] if matches else None

    def text_around(self, name: str) -> str:
        """The text of the element holding the control `name` (its label, error message, …)."""
        matches = [element for element in self.elements
                   if element[0] in ("input", "select", "textarea") and element[1].get("name") == name]
        assert matches, f"no control named {name!r}"
        parent = matches[0][3]
        return self.elements[parent][2] if parent is not None else ""


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Optional[Form] = None
        self.fieldsets: list[bool] = []
        self.select: Optional[Control] = None
        self.option: Optional[list] = None
        self.textarea: Optional[Control] = None
        self.text_parts: list[str] = []
        self.elements: list[list] = []
        self.open_elements: list[list] = []
        self.open_indexes: list[int] = []
        self.skip_text = 0

    def _disabled(self, attributes) -> bool:
        return "disabled" in attributes or any(self.fieldsets)

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value if value is not None else "") for name, value in attrs}
        element = [tag, attributes, "", None]
        element[3] = self.open_indexes[-1] if self.open_indexes else None
        self.elements.append(element)
        if tag not in _VOID:
            self.open_elements.append(element)
            self.open_indexes.append(len(self.elements) - 1)
        if tag in ("script", "style"):
            self.skip_text += 1
        if tag == "form":
            self.form = Form((attributes.get("method") or "get").lower(), attributes.get("action") or "", attributes)
            self.forms.append(self.form)
        elif tag == "fieldset":
            self.fieldsets.append("disabled" in attributes)
        elif tag in ("input", "button", "select", "textarea"):
            control = Control(tag, (attributes.get("type") or ("submit" if tag == "button" else "text")).lower(),
                              attributes.get("name"), attributes.get("value", ""), "checked" in attributes,
                              self._disabled(attributes), attributes)
            owner = self.form
            if attributes.get("form"):
                owner = next((form for form in self.forms if form.attributes.get("id") == attributes["form"]), owner)
            if owner is not None:
                owner.controls.append(control)
            if tag == "select":
                self.select = control
            elif tag == "textarea":
                self.textarea = control
        elif tag == "option" and self.select is not None:
            self.option = [attributes.get("value"), "selected" in attributes, ""]

    def handle_endtag(self, tag):
        for index in range(len(self.open_elements) - 1, -1, -1):
            if self.open_elements[index][0] == tag:
                del self.open_elements[index:]
                del self.open_indexes[index:]
                break
        if tag in ("script", "style"):
            self.skip_text = max(0, self.skip_text - 1)
        if tag == "form":
            self.form = None
        elif tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()
        elif tag == "select":
            self._close_option()
            self.select = None
        elif tag == "option":
            self._close_option()
        elif tag == "textarea":
            self.textarea = None

    def _close_option(self):
        if self.option is not None and self.select is not None:
            value = self.option[0] if self.option[0] is not None else self.option[2].strip()
            self.select.options.append((value, self.option[1]))
        self.option = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.text += data
        if self.option is not None:
            self.option[2] += data
        for element in self.open_elements:
            element[2] += data
        if not self.skip_text:
            self.text_parts.append(data)


def parse_html(source: str) -> Page:
    collector = _Collector()
    collector.feed(source)
    collector.close()
    if collector.option is not None:
        collector._close_option()
    text = re.sub(r"\s+", " ", " ".join(collector.text_parts)).strip()
    elements = [(tag, attributes, re.sub(r"\s+", " ", content).strip(), parent)
                for tag, attributes, content, parent in collector.elements]
    return Page(collector.forms, text, elements, source)


def empty_field_rows(form) -> dict:
    """Overrides that empty the key of every form-field row whose label and options are empty.

    Those are the page's "add a field" rows; they should arrive empty, but the page
    pre-fills their key with the form's own key (reported as a product bug), which
    makes every save fail. Tests about other rules use this to stay on their subject.
    """
    overrides = {}
    for control in form.controls:
        name = control.name or ""
        if name.startswith("forms[") and name.endswith(".key") and ".fields[" in name:
            row = name[:-len(".key")]
            if form.value(f"{row}.label") == "" and form.value(f"{row}.options") == "" and control.value:
                overrides[name] = ""
    return overrides


def refs_in_list_page(source: str) -> list[str]:
    """The references the issue table of a list page links to, in order."""
    page = parse_html(source)
    return [element[2] for element in page.by_class("ref")]


def page_errors(source: str) -> list[str]:
    """The error messages a page shows, each with the names of the controls beside it."""
    page = parse_html(source)
    messages = []
    for index, element in enumerate(page.elements):
        if "field-error" in (element[1].get("class") or "").split() or "error-summary" in (element[1].get("class") or ""):
            parent = element[3]
            names = [other[1].get("name") for other in page.elements
                     if other[3] == parent and other[1].get("name")] if parent is not None else []
            messages.append(f"{element[2]!r} beside {names}")
    return messages


def assert_html(response, status: int = 200):
    assert response.status_code == status, \
        f"expected {status}, got {response.status_code}; errors shown: {page_errors(response.text)}; {response.text[:300]!r}"
    assert response.headers.get("Content-Type", "").startswith("text/html"), response.headers.get("Content-Type")
    return parse_html(response.text)
