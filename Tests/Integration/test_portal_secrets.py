"""The secret-leak search of issue 4: secrets are seeded into every place a
customer must never see — internal notes, an operator's e-mail, a hidden custom
field, tags (hidden in acme's settings), internal status keys, other customers'
e-mails, issues outside the customer's scope and another workspace's issues —
then every portal answer (JSON and HTML, reads, writes and error answers) is
fetched as each customer and searched for every secret.

This runs in the seeded workspace `acme` (the only one with custom fields,
including the hidden `internal_score`), in two companies of its own.
"""

from __future__ import annotations

import html
import random
import uuid
from dataclasses import dataclass, field

import pytest

from conftest import APP_HOST, json_of
from portal_support import SupportData, customer_client, operator_login, unique, word

SLUG = "acme"
# Internal keys of statuses acme labels or that fall back to a readable label.
INTERNAL_STATUS_KEYS = ["waiting_on_customer", "waiting_on_team", "on_hold", "in_progress"]
SEEDED_OPERATOR_EMAILS = ["owner@acme.test", "agent@acme.test", "viewer@acme.test"]
SEEDED_CUSTOMER_EMAILS = ["alice@initech.test", "carol@initech.test", "dave@initech.test", "erin@umbrella.test",
                          "frank@umbrella.test", "grace@cypress.test"]
VIEWERS = ["admin", "member", "none", "unset", "outsider"]


@dataclass
class LeakIssue:
    ref: str
    requester: str  # a VIEWERS name
    company: str
    texts: list  # title, description and message bodies: secret to whoever may not see the issue


@dataclass
class Leak:
    emails: dict = field(default_factory=dict)  # viewer → email
    names: dict = field(default_factory=dict)
    issues: list = field(default_factory=list)
    common: str = ""
    note: str = ""
    tag: str = ""
    score: int = 0
    operator_email: str = ""
    operator_name: str = ""
    globex_title: str = ""

    def company_of(self, viewer: str) -> str:
        return "otherco" if viewer == "outsider" else "leakco"

    def visible(self, viewer: str) -> list:
        level = {"admin": "admin", "member": "member", "none": "none", "unset": "member", "outsider": "member"}[viewer]
        if level == "admin":
            return [issue for issue in self.issues if issue.company == self.company_of(viewer)]
        if level == "member":
            return [issue for issue in self.issues if issue.requester == viewer]
        return []

    def secrets(self, viewer: str, include_emails: bool = True) -> list[str]:
        secrets = [self.note, self.tag, str(self.score), "Internal score", self.operator_email, self.globex_title,
                   "Globex-only issue", "Internal: account is on the", *INTERNAL_STATUS_KEYS, *SEEDED_OPERATOR_EMAILS]
        if include_emails:
            secrets += [email for name, email in self.emails.items() if name != viewer] + SEEDED_CUSTOMER_EMAILS
        visible = {issue.ref for issue in self.visible(viewer)}
        for issue in self.issues:
            if issue.ref not in visible:
                secrets += issue.texts
        return secrets


@pytest.fixture(scope="module")
def leak(stack) -> Leak:
    tag = uuid.uuid4().hex[:8]
    result = Leak(common=word("leak"), note=f"NOTE-SECRET-{tag}", tag=f"tag-secret-{tag}",
                  score=random.randint(700_000_000, 799_999_999), operator_email=f"opal.{tag}@secret-ops.test",
                  operator_name=f"Opal {tag}", globex_title=f"GLOBEX-SECRET-{tag}")
    owner = SupportData(stack, stack.seed_api_key)
    stack.create_operator(SLUG, result.operator_email, result.operator_name, "admin")
    ops = SupportData(stack, stack.create_api_key(SLUG, unique("opal"), operator=result.operator_email))
    companies = {"leakco": owner.company(f"Leakco {tag}"), "otherco": owner.company(f"Otherco {tag}")}
    customers = {}
    for viewer, access in [("admin", "admin"), ("member", "member"), ("none", "none"), ("unset", None),
                           ("outsider", "member")]:
        email = f"{viewer}.{tag}@{result.company_of(viewer)}-{tag}.test"
        result.emails[viewer] = email
        result.names[viewer] = f"{viewer.title()} {tag}"
        customers[viewer] = owner.customer(email, result.names[viewer], companies[result.company_of(viewer)]["id"], access)

    def issue(viewer, status, **extra):
        title, description = f"{result.common} {viewer} title {word('t')}", f"{viewer} description {word('d')}"
        row = owner.issue(customers[viewer]["id"], title, description, status=status, tags=[result.tag], **extra)
        texts = [title, description]
        # A support reply through the secret operator's key, and an internal note.
        reply = f"{viewer} support reply {word('m')}"
        ops.message(row["id"], reply)
        ops.note(row["id"], f"{result.note} about {viewer}")
        texts.append(reply)
        result.issues.append(LeakIssue(row["ref"], viewer, result.company_of(viewer), texts))
        return row

    member_issue = issue("member", "waiting_on_customer",
                         customFields={"internal_score": result.score, "environment": "staging"})
    ops.task(member_issue["id"], "Investigate the export", "in_progress")
    ops.task(member_issue["id"], "Ship the fix", "todo")
    issue("admin", "on_hold", customFields={"internal_score": result.score})
    issue("unset", "waiting_on_team")
    issue("none", "open")
    issue("outsider", "new", customFields={"internal_score": result.score})

    # Another workspace's issue.
    globex = SupportData(stack, stack.create_api_key("globex", unique("globex")))
    grace = json_of(globex.api.get("/api/v1/customers?email=grace@cypress.test"))["customers"][0]
    globex.issue(grace["id"], result.globex_title, f"{result.common} globex", tags=[result.tag])
    for data in (owner, ops, globex):
        data.close()
    return result


def portal_answers(stack, leak: Leak, viewer: str) -> dict[str, str]:
    """Every portal answer a customer can get, label → body."""
    client = customer_client(stack, SLUG, leak.emails[viewer])
    answers: dict[str, str] = {}

    def fetch(method: str, path: str, **kwargs):
        response = client.request(method, path, **kwargs)
        assert response.status_code < 500, f"{method} {path}: {response.status_code} {response.text[:300]}"
        answers[f"{method} {path} → {response.status_code}"] = response.text
        return response

    refs = [issue.ref for issue in leak.issues] + ["ISS-999999"]
    # JSON reads.
    fetch("GET", "/api/portal/config")
    fetch("GET", "/api/portal/me")
    for params in ["", "?limit=100", f"?q={leak.common}", "?status=Waiting for you", "?status=We're on it",
                   "?status=On hold", "?q=" + leak.tag, f"?q={leak.score}", "?q=secret"]:
        fetch("GET", f"/api/portal/issues{params}")
    cursor = None
    for _ in range(10):
        page = fetch("GET", "/api/portal/issues?limit=1" + (f"&cursor={cursor}" if cursor else ""))
        if page.status_code != 200 or not page.json()["hasMore"]:
            break
        cursor = page.json()["nextCursor"]
    for ref in refs:
        fetch("GET", f"/api/portal/issues/{ref}")
    # HTML reads.
    for path in ["/", "/?q=" + leak.common, "/?status=Waiting+for+you", "/?limit=1", "/new", "/new/bug", "/new/question",
                 "/new/billing", "/new/legacy", "/login"] + [f"/issues/{ref}" for ref in refs]:
        fetch("GET", path)
    # Writes and their error answers, on the customer's own issue when they have one.
    own = next((issue.ref for issue in leak.visible(viewer) if issue.requester == viewer), refs[0])
    fetch("PATCH", f"/api/portal/issues/{own}", json={"priority": "high"})
    fetch("PATCH", f"/api/portal/issues/{own}", json={"cf.internal_score": 1, "tags": ["x"], "status": "closed"})
    fetch("POST", f"/api/portal/issues/{own}/messages", json={"body": f"Customer reply from {viewer}"})
    fetch("POST", f"/api/portal/issues/{own}/messages", json={"body": ""})
    fetch("POST", "/api/portal/issues", json={"formKey": "question", "fields": {"title": f"{viewer} asks"}})
    fetch("POST", "/api/portal/issues", json={"formKey": "bug", "fields": {"cf.environment": "mars"}})
    fetch("POST", f"/issues/{own}/reply", data={"body": ""})
    fetch("POST", "/new/bug", data={"title": "", "cf.environment": "mars"})
    fetch("GET", f"/issues/{own}")
    fetch("GET", f"/api/portal/issues/{own}")
    client.close()
    return answers


def find_leaks(answers: dict[str, str], secrets: list[str]) -> list[str]:
    found = []
    for label, body in answers.items():
        haystacks = (body.lower(), html.unescape(body).lower())
        for secret in secrets:
            if any(secret.lower() in haystack for haystack in haystacks):
                index = html.unescape(body).lower().find(secret.lower())
                found.append(f"{secret!r} in {label}: …{html.unescape(body)[max(0, index - 80):index + 80]!r}…")
    return found


@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_portal_answer_reveals_a_secret(stack, leak, viewer):
    answers = portal_answers(stack, leak, viewer)
    assert len(answers) > 30
    leaks = find_leaks(answers, leak.secrets(viewer))
    assert not leaks, "secrets in portal answers:\n" + "\n".join(leaks)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_preview_answer_reveals_a_secret(stack, leak, viewer):
    """The operator preview uses the same projection; its customer picker lists e-mails by design."""
    operator = operator_login(stack, SLUG, "owner@acme.test")
    api = stack.client(APP_HOST, key=stack.seed_api_key)
    email = leak.emails[viewer]
    answers = {}
    paths = [f"/clients/portal?customer={email}", f"/clients/portal?customer={email}&view=new",
             f"/clients/portal?customer={email}&view=form&form=bug",
             f"/clients/portal?customer={email}&q={leak.common}"]
    paths += [f"/clients/portal?customer={email}&issue={issue.ref}" for issue in leak.issues]
    for path in paths:
        response = operator.client.get(path)
        assert response.status_code in (200, 404), f"{path}: {response.status_code}"
        answers[f"GET {path} → {response.status_code}"] = response.text
    for path in [f"/api/account/client-portal/preview?customer={email}"] + \
                [f"/api/account/client-portal/preview?customer={email}&issue={issue.ref}" for issue in leak.issues]:
        response = api.get(path)
        answers[f"GET {path} → {response.status_code}"] = response.text
    leaks = find_leaks(answers, leak.secrets(viewer, include_emails=False))
    assert not leaks, "secrets in preview answers:\n" + "\n".join(leaks)
    api.close()


def test_what_customers_may_see_is_there(stack, leak):
    """The search above only means something if the answers carry the issues: check the visible parts."""
    admin = customer_client(stack, SLUG, leak.emails["admin"])
    member_issue = next(issue for issue in leak.issues if issue.requester == "member")
    detail = json_of(admin.get(f"/api/portal/issues/{member_issue.ref}"))
    # A colleague's issue shows their name (never their e-mail).
    assert detail["requester"] == {"name": leak.names["member"]}
    assert detail["title"] == member_issue.texts[0]
    # The support reply shows the operator's display name only.
    support = [message for message in detail["messages"] if message["role"] == "support"]
    assert support and support[0]["authorName"] == leak.operator_name
    assert support[0]["body"] == member_issue.texts[2]
    assert {message["role"] for message in detail["messages"]} <= {"customer", "support"}
    # Statuses and tasks carry customer-facing labels only.
    assert set(detail["status"]) == {"label"}
    assert detail["status"]["label"] in ("Waiting for you", "We're on it")
    assert [(task["title"], task["status"]) for task in detail["tasks"]] == [
        ("Investigate the export", {"label": "Being worked on"}), ("Ship the fix", {"label": "Planned"})]
    # Visible custom fields are there, the hidden one is not; tags are hidden in acme.
    assert [field["key"] for field in detail.get("customFields", [])] == ["environment"]
    assert "tags" not in detail
    listed = {issue["ref"] for issue in json_of(admin.get("/api/portal/issues?limit=100"))["issues"]}
    assert {issue.ref for issue in leak.visible("admin")} <= listed
    assert len(leak.visible("admin")) == 4
    # And the search itself finds what is there.
    assert find_leaks({"detail": admin.get(f"/issues/{member_issue.ref}").text}, [member_issue.texts[2], "nothing-like-it"]) \
        and len(find_leaks({"detail": admin.get(f"/issues/{member_issue.ref}").text}, [member_issue.texts[2]])) == 1
    admin.close()
