"""The support REST API (/api/v1/…) through nginx, with real keys: a full round
trip over companies, customers, issues, messages, notes and tasks, and the list
envelope with its cursors."""

import datetime as dt
import re
import uuid

import pytest

from conftest import APP_HOST, assert_error, json_of

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
CAMEL_CASE = re.compile(r"^[a-z][a-zA-Z0-9]*$")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def parse_timestamp(text: str) -> dt.datetime:
    assert isinstance(text, str) and TIMESTAMP.match(text), f"not an ISO-8601 UTC timestamp with milliseconds: {text!r}"
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)


def assert_recent(text: str, slack_seconds: float = 120):
    moment = parse_timestamp(text)
    now = dt.datetime.now(dt.timezone.utc)
    assert abs((now - moment).total_seconds()) < slack_seconds, f"{text} is not close to now ({now.isoformat()})"


def assert_camel_case_keys(value, path="$"):
    """Every key is camelCase, except inside `customFields` (the workspace's own field keys)."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert CAMEL_CASE.match(key), f"{path}.{key} is not camelCase"
            if key != "customFields":
                assert_camel_case_keys(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_camel_case_keys(item, f"{path}[{index}]")


def assert_entity(body: dict, object_name: str, keys: set, timestamps=("createdAt", "updatedAt")):
    assert body["object"] == object_name, body
    assert isinstance(body["id"], int) and body["id"] > 0, body
    assert set(body) == keys, f"{object_name} keys: {sorted(body)} != {sorted(keys)}"
    assert_camel_case_keys(body)
    for key in timestamps:
        assert_recent(body[key])


def created(response, object_name: str) -> dict:
    assert response.status_code == 201, f"expected 201, got {response.status_code}: {response.text[:800]}"
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = json_of(response)
    assert body["object"] == object_name
    return body


def ok(response) -> dict:
    assert response.status_code == 200, f"expected 200, got {response.status_code}: {response.text[:800]}"
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return json_of(response)


COMPANY_KEYS = {"object", "id", "name", "externalId", "emailDomains", "createdAt", "updatedAt"}
CUSTOMER_KEYS = {"object", "id", "email", "name", "companyId", "externalId", "portalAccess", "createdAt", "updatedAt"}
ISSUE_KEYS = {"object", "id", "ref", "title", "description", "status", "priority", "tags", "customFields", "customerId",
              "companyId", "formKey", "createdAt", "updatedAt"}
MESSAGE_KEYS = {"object", "id", "issueId", "role", "body", "authorName", "createdAt"}
NOTE_KEYS = {"object", "id", "issueId", "body", "authorName", "createdAt"}
TASK_KEYS = {"object", "id", "issueId", "title", "status", "position", "createdAt", "updatedAt"}


def walk(client, path: str, key: str, limit: int, params: str = ""):
    """Follows nextCursor to the end; returns (pages, items)."""
    pages, items, cursor = [], [], None
    for _ in range(1000):
        query = f"limit={limit}" + (f"&{params}" if params else "") + (f"&cursor={cursor}" if cursor else "")
        page = ok(client.get(f"{path}?{query}"))
        assert page["object"] == "list"
        assert set(page) == {"object", "hasMore", "nextCursor", key}, sorted(page)
        assert len(page[key]) <= limit
        pages.append(page)
        items.extend(page[key])
        if not page["hasMore"]:
            assert page["nextCursor"] is None, page
            return pages, items
        assert isinstance(page["nextCursor"], str) and page["nextCursor"], page
        assert len(page[key]) == limit, "a page that has more must be full"
        cursor = page["nextCursor"]
    pytest.fail("the cursor walk never ended")


# -- 6. the round trip ------------------------------------------------------------------------------

def test_a_json_body_sent_through_nginx_reaches_the_handler(api):
    # The plainest write there is: one JSON object, Content-Type application/json.
    response = api.post("/api/v1/companies", data=b'{"name":"Plain JSON Ltd"}',
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 201, f"{response.status_code}: {response.text}"
    assert json_of(response)["name"] == "Plain JSON Ltd"


# -- the full round trip ------------------------------------------------------------------------------

def test_support_api_round_trip(api):
    # Company.
    external_id = unique("crm")
    company = created(api.post("/api/v1/companies", json={"name": "Wayne Enterprises", "externalId": external_id}),
                      "company")
    assert_entity(company, "company", COMPANY_KEYS)
    assert company["name"] == "Wayne Enterprises"
    assert company["externalId"] == external_id
    assert company["emailDomains"] == []
    assert ok(api.get(f"/api/v1/companies/{company['id']}")) == company

    # Customer: the email is trimmed and lower-cased.
    local = unique("bruce")
    customer = created(api.post("/api/v1/customers", json={
        "email": f"  {local.upper()}@Wayne.TEST  ", "name": "Bruce Wayne", "companyId": company["id"]}), "customer")
    assert_entity(customer, "customer", CUSTOMER_KEYS)
    assert customer["email"] == f"{local}@wayne.test"
    assert customer["companyId"] == company["id"]
    assert customer["portalAccess"] is None
    assert ok(api.get(f"/api/v1/customers/{customer['id']}")) == customer
    by_email = ok(api.get(f"/api/v1/customers?email={local}@wayne.test"))
    assert [item["id"] for item in by_email["customers"]] == [customer["id"]]

    # Issue: a reference, the workspace's first status, the requester's company.
    issue = created(api.post("/api/v1/issues", json={
        "title": "Batmobile recall", "description": "The brakes squeak.", "customerId": customer["id"]}), "issue")
    assert_entity(issue, "issue", ISSUE_KEYS)
    assert re.fullmatch(r"ISS-\d{4,}", issue["ref"]), issue["ref"]
    assert issue["status"] == "new"
    assert issue["priority"] is None
    assert issue["tags"] == [] and issue["customFields"] == {}
    assert issue["customerId"] == customer["id"]
    assert issue["companyId"] == company["id"]
    assert issue["title"] == "Batmobile recall" and issue["description"] == "The brakes squeak."
    assert issue["createdAt"] == issue["updatedAt"]

    # Read back by id and by reference.
    assert ok(api.get(f"/api/v1/issues/{issue['id']}")) == issue
    assert ok(api.get(f"/api/v1/issues/{issue['ref']}")) == issue
    filtered = ok(api.get(f"/api/v1/issues?customerId={customer['id']}"))
    assert [item["id"] for item in filtered["issues"]] == [issue["id"]]

    # Update.
    updated = ok(api.patch(f"/api/v1/issues/{issue['id']}",
                           json={"status": "open", "priority": "urgent", "title": "Batmobile recall (brakes)"}))
    assert updated["status"] == "open" and updated["priority"] == "urgent"
    assert updated["title"] == "Batmobile recall (brakes)"
    assert updated["description"] == "The brakes squeak."  # untouched
    assert updated["ref"] == issue["ref"] and updated["createdAt"] == issue["createdAt"]
    assert parse_timestamp(updated["updatedAt"]) >= parse_timestamp(issue["updatedAt"])
    assert ok(api.get(f"/api/v1/issues/{issue['ref']}")) == updated

    # A support message, with and without an author name.
    message = created(api.post(f"/api/v1/issues/{issue['id']}/messages",
                               json={"body": "We are on it.", "authorName": "Alfred"}), "message")
    assert_entity(message, "message", MESSAGE_KEYS, timestamps=("createdAt",))
    assert message["role"] == "support" and message["issueId"] == issue["id"]
    assert message["body"] == "We are on it." and message["authorName"] == "Alfred"
    second = created(api.post(f"/api/v1/issues/{issue['ref']}/messages", json={"body": "Parts are ordered."}), "message")
    assert second["authorName"] == "Olivia Owner"  # the key's operator
    messages = ok(api.get(f"/api/v1/issues/{issue['id']}/messages"))
    assert messages["object"] == "list" and messages["hasMore"] is False and messages["nextCursor"] is None
    assert messages["messages"] == [message, second]

    # An internal note.
    note = created(api.post(f"/api/v1/issues/{issue['id']}/notes", json={"body": "VIP customer."}), "note")
    assert_entity(note, "note", NOTE_KEYS, timestamps=("createdAt",))
    assert note["body"] == "VIP customer." and note["issueId"] == issue["id"]
    assert ok(api.get(f"/api/v1/issues/{issue['ref']}/notes"))["notes"] == [note]

    # Tasks, in order, then an update.
    task = created(api.post(f"/api/v1/issues/{issue['id']}/tasks", json={"title": "Order brake pads"}), "task")
    assert_entity(task, "task", TASK_KEYS)
    assert task["status"] == "todo" and task["issueId"] == issue["id"]
    other = created(api.post(f"/api/v1/issues/{issue['id']}/tasks",
                             json={"title": "Fit brake pads", "status": "in_progress"}), "task")
    assert other["status"] == "in_progress"
    assert other["position"] > task["position"]
    changed = ok(api.patch(f"/api/v1/issues/{issue['id']}/tasks/{task['id']}",
                           json={"status": "done", "title": "Brake pads ordered"}))
    assert changed["status"] == "done" and changed["title"] == "Brake pads ordered"
    assert changed["id"] == task["id"] and changed["createdAt"] == task["createdAt"]
    tasks = ok(api.get(f"/api/v1/issues/{issue['id']}/tasks"))["tasks"]
    assert [(item["id"], item["status"]) for item in tasks] == [(task["id"], "done"), (other["id"], "in_progress")]
    assert ok(api.get(f"/api/v1/issues/{issue['id']}/tasks/{task['id']}")) == changed


def test_customer_and_company_updates_are_partial(api):
    company = created(api.post("/api/v1/companies", json={"name": "Stark Industries"}), "company")
    customer = created(api.post("/api/v1/customers", json={"email": f"{unique('pepper')}@stark.test",
                                                           "name": "Pepper"}), "customer")
    moved = ok(api.patch(f"/api/v1/customers/{customer['id']}", json={"companyId": company["id"], "portalAccess": "admin"}))
    assert moved["companyId"] == company["id"] and moved["portalAccess"] == "admin"
    assert moved["name"] == "Pepper" and moved["email"] == customer["email"]
    cleared = ok(api.patch(f"/api/v1/customers/{customer['id']}", json={"portalAccess": None, "name": None}))
    assert cleared["portalAccess"] is None and cleared["name"] is None and cleared["companyId"] == company["id"]
    renamed = ok(api.patch(f"/api/v1/companies/{company['id']}", json={"emailDomains": ["Stark.TEST"]}))
    assert renamed["name"] == "Stark Industries" and renamed["emailDomains"] == ["stark.test"]


def test_issue_custom_fields_and_tags_are_stored_and_returned(api):
    customer = created(api.post("/api/v1/customers", json={"email": f"{unique('tony')}@stark.test"}), "customer")
    issue = created(api.post("/api/v1/issues", json={
        "title": "Suit calibration", "customerId": customer["id"], "priority": "high", "status": "open",
        "tags": ["hardware", "vip"], "customFields": {"environment": "staging", "affected_users": 3}}), "issue")
    assert issue["tags"] == ["hardware", "vip"]
    assert issue["customFields"] == {"environment": "staging", "affected_users": 3}
    assert issue["status"] == "open" and issue["priority"] == "high"
    patched = ok(api.patch(f"/api/v1/issues/{issue['id']}", json={"customFields": {"environment": None}, "priority": None}))
    assert "environment" not in patched["customFields"] or patched["customFields"]["environment"] is None
    assert patched["priority"] is None


def test_issue_refs_are_distinct_and_increasing(api):
    customer = created(api.post("/api/v1/customers", json={"email": f"{unique('ref')}@example.test"}), "customer")
    refs = [created(api.post("/api/v1/issues", json={"title": f"Issue {n}", "customerId": customer["id"]}), "issue")["ref"]
            for n in range(3)]
    numbers = [int(ref.split("-")[1]) for ref in refs]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3


# -- lists and cursors ------------------------------------------------------------------------------

def test_cursor_walk_returns_every_company_exactly_once(running_stack, new_workspace):
    slug, key = new_workspace("paging")
    client = running_stack.client(APP_HOST, key=key)
    ids = [created(client.post("/api/v1/companies", json={"name": f"Company {n}"}), "company")["id"] for n in range(7)]

    pages, items = walk(client, "/api/v1/companies", "companies", limit=3)
    assert [len(page["companies"]) for page in pages] == [3, 3, 1]
    assert [page["hasMore"] for page in pages] == [True, True, False]
    assert [item["id"] for item in items] == ids  # every one, once, oldest first
    for item in items:
        assert_entity(item, "company", COMPANY_KEYS)


def test_a_page_that_ends_exactly_at_the_last_item_has_no_more(running_stack, new_workspace):
    slug, key = new_workspace("exact")
    client = running_stack.client(APP_HOST, key=key)
    ids = [created(client.post("/api/v1/companies", json={"name": f"Company {n}"}), "company")["id"] for n in range(4)]
    pages, items = walk(client, "/api/v1/companies", "companies", limit=2)
    assert [page["hasMore"] for page in pages] == [True, False]
    assert [item["id"] for item in items] == ids
    whole = ok(client.get("/api/v1/companies?limit=4"))
    assert whole["hasMore"] is False and whole["nextCursor"] is None and len(whole["companies"]) == 4


def test_an_empty_list_has_the_list_envelope(running_stack, new_workspace):
    slug, key = new_workspace("empty")
    client = running_stack.client(APP_HOST, key=key)
    for path, name in [("/api/v1/companies", "companies"), ("/api/v1/customers", "customers"), ("/api/v1/issues", "issues")]:
        assert ok(client.get(path)) == {"object": "list", "hasMore": False, "nextCursor": None, name: []}


def test_the_default_page_size_is_20_and_100_is_allowed(running_stack, new_workspace):
    slug, key = new_workspace("sizes")
    client = running_stack.client(APP_HOST, key=key)
    for n in range(21):
        created(client.post("/api/v1/customers", json={"email": f"c{n}@sizes.test"}), "customer")
    default = ok(client.get("/api/v1/customers"))
    assert len(default["customers"]) == 20 and default["hasMore"] is True
    rest = ok(client.get(f"/api/v1/customers?cursor={default['nextCursor']}"))
    assert len(rest["customers"]) == 1 and rest["hasMore"] is False
    everything = ok(client.get("/api/v1/customers?limit=100"))
    assert len(everything["customers"]) == 21 and everything["hasMore"] is False


def test_cursor_walk_over_seeded_issues_matches_one_big_page(api):
    _, walked = walk(api, "/api/v1/issues", "issues", limit=4)
    whole = ok(api.get("/api/v1/issues?limit=100"))
    if whole["hasMore"]:
        pytest.skip("more than 100 issues; the single-page comparison does not apply")
    assert [item["id"] for item in walked] == [item["id"] for item in whole["issues"]]
    assert len({item["id"] for item in walked}) == len(walked)
    assert len(walked) >= 9  # the demo seed alone has 9


def test_filtered_cursor_walk_keeps_the_filter(api):
    pages, items = walk(api, "/api/v1/issues", "issues", limit=1, params="status=open")
    assert items and all(item["status"] == "open" for item in items)
    whole = ok(api.get("/api/v1/issues?limit=100&status=open"))["issues"]
    assert [item["id"] for item in items] == [item["id"] for item in whole]


def test_a_cursor_of_another_list_is_refused(api):
    companies = ok(api.get("/api/v1/companies?limit=1"))
    assert companies["hasMore"] is True
    response = api.get(f"/api/v1/customers?cursor={companies['nextCursor']}")
    body = assert_error(response, 422, "validation_failed")
    assert [field["field"] for field in body["fields"]] == ["cursor"]
    # Same list, other filter.
    issues = ok(api.get("/api/v1/issues?limit=1&status=open"))
    assert issues["hasMore"] is True
    assert_error(api.get(f"/api/v1/issues?status=closed&cursor={issues['nextCursor']}"), 422, "validation_failed")


def test_seeded_threads_list_messages_notes_and_tasks(api):
    issue = ok(api.get("/api/v1/issues/ISS-1002"))
    assert issue["title"].startswith("SSO login loops")
    messages = ok(api.get("/api/v1/issues/ISS-1002/messages"))["messages"]
    assert [message["role"] for message in messages[:3]] == ["customer", "support", "customer"]
    assert all(message["issueId"] == issue["id"] for message in messages)
    notes = ok(api.get("/api/v1/issues/ISS-1002/notes"))["notes"]
    assert notes and notes[0]["body"].startswith("Internal:")
    tasks = ok(api.get("/api/v1/issues/ISS-1002/tasks"))["tasks"]
    assert [task["title"] for task in tasks[:2]] == ["Collect SAML trace", "Patch the assertion consumer"]


def test_an_unknown_issue_ref_or_id_is_404(api):
    for path in ["/api/v1/issues/999999", "/api/v1/issues/ISS-999999", "/api/v1/issues/not-a-ref",
                 "/api/v1/issues/0", "/api/v1/issues/-1", "/api/v1/companies/abc", "/api/v1/customers/999999",
                 "/api/v1/issues/999999/messages", "/api/v1/issues/ISS-1001/tasks/999999"]:
        assert_error(api.get(path), 404, "not_found")
