"""Bad input, authentication, permissions and tenant isolation: each a clear 4xx
with the right code, never a 5xx, and the worker keeps serving afterwards."""

import base64
import uuid

import pytest

from conftest import APP_HOST, SEEDED_SLUG, assert_error, json_of


@pytest.fixture(autouse=True)
def worker_survives(running_stack):
    """After every test here, the same worker process is still up and healthy."""
    pid = running_stack.worker.pid
    yield
    assert running_stack.worker.poll() is None, f"the worker died (exit {running_stack.worker.returncode})"
    assert running_stack.worker.pid == pid
    client = running_stack.client(APP_HOST)
    try:
        assert client.get("/internal/health").status_code == 200
    finally:
        client.close()


def field_names(body: dict) -> list:
    assert isinstance(body.get("fields"), list), body
    for field in body["fields"]:
        assert set(field) == {"field", "message"} and field["message"], field
    return [field["field"] for field in body["fields"]]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# -- request bodies -------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [b'{"name":', b"{name: 'x'}", b'{"name":"x"} trailing', b"\xff\xfe{}",
                                  b'{"name":"x",}', b"   "])
def test_malformed_json_is_400_invalid_json(api, body):
    response = api.post("/api/v1/companies", data=body, headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_json")


def test_an_empty_body_is_400_invalid_json(api):
    response = api.post("/api/v1/companies", data=b"", headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_json")


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null"])
def test_a_json_body_that_is_not_an_object_is_422(api, body):
    response = api.post("/api/v1/companies", data=body, headers={"Content-Type": "application/json"})
    assert field_names(assert_error(response, 422, "validation_failed")) == ["body"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                                          "multipart/form-data; boundary=x"])
def test_a_body_of_another_media_type_is_415(api, content_type):
    response = api.post("/api/v1/companies", data=b'{"name":"x"}', headers={"Content-Type": content_type})
    assert_error(response, 415, "unsupported_media_type")


def test_a_body_without_content_type_is_415(api):
    response = api.post("/api/v1/companies", data=b'{"name":"x"}', headers={"Content-Type": None})
    assert_error(response, 415, "unsupported_media_type")


def test_json_content_type_parameters_and_case_are_accepted(api):
    response = api.post("/api/v1/companies", data=b'{"name":"Case Co"}',
                        headers={"Content-Type": "Application/JSON; charset=UTF-8"})
    assert response.status_code == 201, response.text


def test_an_unknown_field_is_422_naming_it(api):
    response = api.post("/api/v1/companies", json={"name": "Acme Rockets", "colour": "red"})
    body = assert_error(response, 422, "validation_failed")
    assert field_names(body) == ["colour"]


def test_snake_case_keys_are_unknown_fields(api):
    response = api.post("/api/v1/companies", json={"name": "Snake", "external_id": "x"})
    assert field_names(assert_error(response, 422, "validation_failed")) == ["external_id"]


def test_several_invalid_fields_are_reported_at_once(api):
    response = api.post("/api/v1/customers", json={"email": "not-an-email", "name": 42, "companyId": "seven",
                                                   "portalAccess": "owner", "bogus": True})
    body = assert_error(response, 422, "validation_failed")
    assert sorted(field_names(body)) == sorted(["email", "name", "companyId", "portalAccess", "bogus"])


def test_invalid_issue_fields_are_reported_with_their_paths(api):
    response = api.post("/api/v1/issues", json={
        "title": "   ", "customerId": "1", "status": "exploded", "priority": "meh", "tags": ["ok", 3],
        "customFields": {"environment": "moon", "no_such_field": 1, "affected_users": "many"}})
    body = assert_error(response, 422, "validation_failed")
    assert sorted(field_names(body)) == sorted([
        "title", "customerId", "status", "priority", "tags[1]",
        "customFields.environment", "customFields.no_such_field", "customFields.affected_users"])


def test_a_required_field_missing_is_422(api):
    body = assert_error(api.post("/api/v1/issues", json={}), 422, "validation_failed")
    assert sorted(field_names(body)) == ["customerId", "title"]


def test_a_nul_character_in_a_string_is_422(api):
    response = api.post("/api/v1/companies", json={"name": "Evil\u0000Corp"})
    assert field_names(assert_error(response, 422, "validation_failed")) == ["name"]


def test_an_issue_for_a_customer_that_does_not_exist_is_422(api):
    response = api.post("/api/v1/issues", json={"title": "Ghost", "customerId": 999999})
    assert field_names(assert_error(response, 422, "validation_failed")) == ["customerId"]


def test_a_rejected_create_stores_nothing(api):
    name = unique("Half Written")
    assert api.post("/api/v1/companies", json={"name": name, "unknown": 1}).status_code == 422
    companies = json_of(api.get("/api/v1/companies?limit=100"))["companies"]
    assert name not in [company["name"] for company in companies]


def test_deeply_nested_json_is_a_4xx_not_a_crash(api):
    body = b'{"name":' + b"[" * 100000 + b"]" * 100000 + b"}"
    response = api.post("/api/v1/companies", data=body, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.status_code
    assert json_of(response)["code"] in {"invalid_json", "validation_failed"}


# -- paths and headers ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/%2e%2e/x", "/api/v1/issues/../../x", "/api/v1/./issues", "/api/v1/issues/%2e%2e", "/api/v1/issues/%2E%2E/1",
                                  "/api/v1/issues/.%2e/x", "/api/v1/issues/%2f..", "/api/v1/issues/a%5cb"])
def test_an_encoded_dot_dot_or_separator_in_the_path_is_400(api, path):
    response = api.raw("GET", path)
    assert_error(response, 400, "bad_request")


@pytest.mark.parametrize("path", ["/api/v1/issues/%00", "/api/v1/%00/x", "/%00"])
def test_a_nul_byte_in_the_path_is_400(api, path):
    # nginx refuses %00 in the URI itself (its plain 400 page), before the worker.
    response = api.raw("GET", path)
    assert response.status_code == 400, f"{path}: {response.status_code} {response.text[:300]}"


@pytest.mark.parametrize("path", ["/api/v1/issues/%c3%28", "/api/v1/issues?limit=%zz", "/api/v1/issues?limit=%ff",
                                  "/api/v1/issues?status=%c3"])
def test_a_path_or_query_that_is_not_percent_encoded_utf8_is_400_bad_request(api, path):
    assert_error(api.raw("GET", path), 400, "bad_request")


@pytest.mark.parametrize("path", ["/api/v1/issues/%zz", "/api/v1/issues/%e"])
def test_a_broken_percent_escape_in_the_path_is_refused_by_nginx_with_400(api, path):
    response = api.raw("GET", path)
    assert response.status_code == 400, f"{path}: {response.status_code} {response.text[:300]}"


def test_a_huge_cookie_header_is_refused_by_nginx(api):
    response = api.get("/api/v1/issues", headers={"Cookie": "session=" + "x" * (64 * 1024)})
    assert 400 <= response.status_code < 500, response.status_code
    assert "X-Request-Id" not in response.headers  # refused before the worker


def test_many_large_headers_are_refused_by_nginx(api):
    headers = {f"X-Filler-{n}": "y" * 15000 for n in range(8)}
    response = api.get("/api/v1/issues", headers=headers)
    assert 400 <= response.status_code < 500, response.status_code


def test_a_very_long_url_is_refused_by_nginx(api):
    response = api.get("/api/v1/issues?q=" + "a" * (40 * 1024))
    assert 400 <= response.status_code < 500, response.status_code


def test_an_unsupported_method_is_405_with_allow(api):
    response = api.delete("/api/v1/issues")
    assert_error(response, 405, "method_not_allowed")
    assert set(part.strip() for part in response.headers["Allow"].split(",")) == {"GET", "POST"}


def test_head_is_answered_like_get_without_a_body(api):
    response = api.head("/api/v1/issues?limit=1")
    assert response.status_code == 200
    assert response.content == b""


# -- list parameters ------------------------------------------------------------------------------

@pytest.mark.parametrize("cursor", ["garbage!!", "bm90LWEtY3Vyc29y", "aXNzdWVzfHx8fGFiYw", "%20", "a" * 600])
def test_an_invalid_cursor_is_422(api, cursor):
    body = assert_error(api.get(f"/api/v1/issues?cursor={cursor}"), 422, "validation_failed")
    assert field_names(body) == ["cursor"]


def test_a_forged_cursor_of_another_scope_is_422(api):
    forged = base64.urlsafe_b64encode(b"companies|1").decode().rstrip("=")
    body = assert_error(api.get(f"/api/v1/issues?cursor={forged}"), 422, "validation_failed")
    assert field_names(body) == ["cursor"]


@pytest.mark.parametrize("limit", ["0", "1000", "101", "-1", "abc", "1.5", ""])
def test_a_limit_outside_1_to_100_is_422(api, limit):
    body = assert_error(api.get(f"/api/v1/issues?limit={limit}"), 422, "validation_failed")
    assert field_names(body) == ["limit"]


@pytest.mark.parametrize("query", ["customerId=abc", "companyId=1e3"])
def test_a_non_numeric_filter_is_422(api, query):
    assert_error(api.get(f"/api/v1/issues?{query}"), 422, "validation_failed")


# -- authentication -------------------------------------------------------------------------------

def test_a_request_without_a_key_is_401(app):
    response = app.get("/api/v1/issues")
    assert_error(response, 401, "unauthorized")
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")


@pytest.mark.parametrize("authorization", [
    "Bearer woesk_short",
    "Bearer " + "woesk_" + "A" * 43,   # well-formed, unknown
    "Bearer nokey_" + "A" * 43,
    "Basic d29lc2s6eA==",
    "Bearer",
    "woesk_" + "A" * 43,
])
def test_a_malformed_or_unknown_key_is_401(app, authorization):
    response = app.get("/api/v1/issues", headers={"Authorization": authorization})
    assert_error(response, 401, "unauthorized")


def test_the_bearer_scheme_is_case_insensitive(app, api_key):
    response = app.get("/api/v1/issues?limit=1", headers={"Authorization": f"bearer {api_key}"})
    assert response.status_code == 200


def test_a_revoked_key_is_401(running_stack, app):
    name = unique("revocable")
    key = running_stack.create_api_key(SEEDED_SLUG, name)
    client = app.with_key(key)
    assert client.get("/api/v1/issues?limit=1").status_code == 200
    running_stack.revoke_api_key(SEEDED_SLUG, name)
    assert any(row["name"] == name and row["state"].startswith("revoked") for row in running_stack.api_keys(SEEDED_SLUG))
    response = client.get("/api/v1/issues?limit=1")
    assert_error(response, 401, "unauthorized")
    assert_error(client.post("/api/v1/companies", json={"name": "Nope"}), 401, "unauthorized")


def test_api_keys_are_not_accepted_as_query_parameters_or_cookies(app, api_key):
    assert_error(app.get(f"/api/v1/issues?access_token={api_key}"), 401, "unauthorized")
    assert_error(app.get("/api/v1/issues", headers={"Cookie": f"key={api_key}"}), 401, "unauthorized")


# -- permissions ----------------------------------------------------------------------------------

def test_a_customers_read_key_can_read_customers_but_not_write_or_read_issues(running_stack, app):
    key = running_stack.create_api_key(SEEDED_SLUG, unique("read-only"), permissions=["customers.read"])
    client = app.with_key(key)
    assert client.get("/api/v1/companies").status_code == 200
    assert client.get("/api/v1/customers").status_code == 200
    body = assert_error(client.post("/api/v1/companies", json={"name": "Forbidden Inc"}), 403, "forbidden")
    assert "customers.write" in body["error"]
    assert "issues.read" in assert_error(client.get("/api/v1/issues"), 403, "forbidden")["error"]
    assert_error(client.get("/api/v1/issues/ISS-1001"), 403, "forbidden")


def test_an_issues_key_cannot_touch_companies(running_stack, app):
    key = running_stack.create_api_key(SEEDED_SLUG, unique("issues"), permissions=["issues.read", "issues.write"])
    client = app.with_key(key)
    assert client.get("/api/v1/issues?limit=1").status_code == 200
    assert_error(client.get("/api/v1/companies"), 403, "forbidden")
    assert_error(client.patch("/api/v1/companies/1", json={"name": "Renamed"}), 403, "forbidden")


def test_a_viewer_operators_key_can_read_but_not_write(running_stack, app):
    email = f"{unique('viewer')}@acme.test"
    running_stack.create_operator(SEEDED_SLUG, email, "Val Viewer", "viewer")
    key = running_stack.create_api_key(SEEDED_SLUG, unique("viewer-key"), operator=email)
    client = app.with_key(key)
    owner = app.with_key(running_stack.seed_api_key)
    before = owner.get("/api/v1/issues/ISS-1001").json()
    assert client.get("/api/v1/issues/ISS-1001").status_code == 200
    assert client.get("/api/v1/customers?limit=1").status_code == 200
    assert_error(client.post("/api/v1/issues", json={"title": "Viewer issue", "customerId": 1}), 403, "forbidden")
    assert_error(client.patch("/api/v1/issues/ISS-1001", json={"status": "closed"}), 403, "forbidden")
    assert_error(client.post("/api/v1/issues/ISS-1001/messages", json={"body": "hi"}), 403, "forbidden")
    assert_error(client.post("/api/v1/customers", json={"email": "v@example.test"}), 403, "forbidden")
    # Nothing changed.
    assert owner.get("/api/v1/issues/ISS-1001").json() == before


def test_a_key_never_carries_more_than_its_operator(running_stack, app):
    # The seeded viewer, with a key that asks for write permissions explicitly.
    key = running_stack.create_api_key(SEEDED_SLUG, unique("greedy"), operator="viewer@acme.test",
                                       permissions=["issues.write", "customers.write", "issues.read"])
    client = app.with_key(key)
    assert client.get("/api/v1/issues?limit=1").status_code == 200
    assert_error(client.post("/api/v1/companies", json={"name": "Greedy"}), 403, "forbidden")
    assert_error(client.patch("/api/v1/issues/ISS-1001", json={"priority": "low"}), 403, "forbidden")


def test_a_member_operators_key_writes_issues_but_not_customers(running_stack, app):
    key = running_stack.create_api_key(SEEDED_SLUG, unique("member"), operator="agent@acme.test")
    client = app.with_key(key)
    response = client.post("/api/v1/issues/ISS-1003/messages", json={"body": "From Sam."})
    assert response.status_code == 201, response.text
    assert response.json()["authorName"] == "Sam Support"
    assert_error(client.post("/api/v1/companies", json={"name": "Member Co"}), 403, "forbidden")


# -- conflicts ------------------------------------------------------------------------------------

def test_a_duplicate_company_external_id_is_409(api):
    response = api.post("/api/v1/companies", json={"name": "Initech again", "externalId": "crm-initech"})
    body = assert_error(response, 409, "conflict")
    assert field_names(body) == ["externalId"]


def test_a_duplicate_customer_email_is_409_after_normalisation(api):
    response = api.post("/api/v1/customers", json={"email": "  ALICE@Initech.test "})
    body = assert_error(response, 409, "conflict")
    assert field_names(body) == ["email"]


def test_a_duplicate_customer_external_id_is_409(api):
    external = unique("ext")
    assert api.post("/api/v1/customers", json={"email": f"{unique('one')}@x.test", "externalId": external}).status_code == 201
    response = api.post("/api/v1/customers", json={"email": f"{unique('two')}@x.test", "externalId": external})
    assert field_names(assert_error(response, 409, "conflict")) == ["externalId"]


def test_renaming_a_customer_onto_another_email_is_409(api):
    customer = api.post("/api/v1/customers", json={"email": f"{unique('mover')}@x.test"}).json()
    response = api.patch(f"/api/v1/customers/{customer['id']}", json={"email": "bob@initech.test"})
    assert_error(response, 409, "conflict")
    assert api.get(f"/api/v1/customers/{customer['id']}").json()["email"] == customer["email"]


# -- tenant isolation -----------------------------------------------------------------------------

@pytest.fixture
def other_tenant(running_stack, new_workspace):
    slug, key = new_workspace("other")
    client = running_stack.client(APP_HOST, key=key)
    yield client
    client.close()


def test_another_workspace_cannot_read_acmes_records(api, other_tenant):
    issue = api.get("/api/v1/issues/ISS-1001").json()
    company_id = issue["companyId"]
    customer_id = issue["customerId"]
    for path in [f"/api/v1/issues/{issue['id']}", f"/api/v1/issues/{issue['ref']}",
                 f"/api/v1/issues/{issue['id']}/messages", f"/api/v1/issues/{issue['id']}/notes",
                 f"/api/v1/issues/{issue['id']}/tasks", f"/api/v1/companies/{company_id}",
                 f"/api/v1/customers/{customer_id}"]:
        response = other_tenant.get(path)
        body = assert_error(response, 404, "not_found")
        assert "acme" not in response.text.lower() and issue["title"] not in response.text, path
        assert set(body) == {"code", "error"}


def test_another_workspace_sees_none_of_acmes_records_in_lists(api, other_tenant):
    for path, key in [("/api/v1/issues", "issues"), ("/api/v1/companies", "companies"), ("/api/v1/customers", "customers")]:
        assert other_tenant.get(path).json()[key] == [], path
    assert other_tenant.get("/api/v1/customers?email=alice@initech.test").json()["customers"] == []


def test_another_workspace_cannot_change_acmes_records(api, other_tenant):
    issue = api.get("/api/v1/issues/ISS-1001").json()
    assert_error(other_tenant.patch(f"/api/v1/issues/{issue['id']}", json={"title": "Hijacked"}), 404, "not_found")
    assert_error(other_tenant.post(f"/api/v1/issues/{issue['id']}/messages", json={"body": "Hijacked"}), 404, "not_found")
    assert_error(other_tenant.post(f"/api/v1/issues/{issue['id']}/notes", json={"body": "Hijacked"}), 404, "not_found")
    assert_error(other_tenant.post(f"/api/v1/issues/{issue['id']}/tasks", json={"title": "Hijacked"}), 404, "not_found")
    assert_error(other_tenant.patch(f"/api/v1/companies/{issue['companyId']}", json={"name": "Hijacked"}), 404, "not_found")
    assert_error(other_tenant.patch(f"/api/v1/customers/{issue['customerId']}", json={"name": "Hijacked"}), 404, "not_found")
    after = api.get("/api/v1/issues/ISS-1001").json()
    assert after == issue
    messages = api.get(f"/api/v1/issues/{issue['id']}/messages?limit=100").json()["messages"]
    assert all("Hijacked" not in message["body"] for message in messages)


def test_another_workspace_cannot_reference_acmes_records(api, other_tenant):
    issue = api.get("/api/v1/issues/ISS-1001").json()
    response = other_tenant.post("/api/v1/issues", json={"title": "Borrowed requester", "customerId": issue["customerId"]})
    assert field_names(assert_error(response, 422, "validation_failed")) == ["customerId"]
    response = other_tenant.post("/api/v1/customers", json={"email": f"{unique('x')}@x.test", "companyId": issue["companyId"]})
    assert field_names(assert_error(response, 422, "validation_failed")) == ["companyId"]


def test_child_records_are_only_reached_through_their_own_issue(api):
    first = api.get("/api/v1/issues/ISS-1001/tasks").json()["tasks"][0]
    # The task exists, but not under ISS-1002.
    assert_error(api.get(f"/api/v1/issues/ISS-1002/tasks/{first['id']}"), 404, "not_found")
    assert_error(api.patch(f"/api/v1/issues/ISS-1002/tasks/{first['id']}", json={"title": "Moved"}), 404, "not_found")
    assert api.get(f"/api/v1/issues/ISS-1001/tasks/{first['id']}").json()["title"] == first["title"]
