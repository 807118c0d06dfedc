"""The foundation through the real nginx: health, security headers, unknown hosts,
body limits, the page nginx shows while no worker is up, /internal/ access and
graceful shutdown."""

import concurrent.futures
import re
import signal
import socket
import ssl
import subprocess
import time

import pytest
import requests

from conftest import APP_HOST, BIN_DIR, MAX_BODY_BYTES, assert_error, dumps, json_of, portal_host

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def assert_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, \
            f"{name} on {response.status_code} {response.url}: {response.headers.get(name)!r} (headers: {dict(response.headers)})"


def assert_hsts(response):
    value = response.headers.get("Strict-Transport-Security")
    assert value is not None, \
        f"no Strict-Transport-Security on the https answer {response.status_code} {response.url}: {dict(response.headers)}"
    match = re.search(r"max-age=(\d+)", value)
    assert match and int(match.group(1)) >= 15552000, f"HSTS max-age below 180 days: {value!r}"


def max_age(response: requests.Response) -> int:
    match = re.search(r"max-age=(\d+)", response.headers.get("Cache-Control", ""))
    return int(match.group(1)) if match else -1


# -- 1. health ------------------------------------------------------------------------------------

def test_health_answers_ok_in_json_from_loopback(app):
    response = app.get("/internal/health")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert json_of(response) == {"status": "ok"}


def test_every_worker_answer_carries_a_fresh_request_id(app):
    first = app.get("/internal/health")
    second = app.get("/internal/health")
    for response in (first, second):
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers.get("X-Request-Id", "")), dict(response.headers)
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]


def test_health_answers_on_portal_hosts_too(portal):
    response = portal("acme").get("/internal/health")
    assert response.status_code == 200
    assert json_of(response) == {"status": "ok"}


# -- 2. security headers --------------------------------------------------------------------------

def test_worker_json_answers_carry_the_security_headers(app):
    assert_security_headers(app.get("/internal/health"))


def test_api_answers_carry_the_security_headers(api):
    response = api.get("/api/v1/issues?limit=1")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") == "no-store"
    assert_security_headers(response)


def test_static_files_carry_the_security_headers_and_a_long_cache_lifetime(app):
    response = app.get("/static/css/portal.css")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert "--accent" in response.text
    assert "public" in response.headers.get("Cache-Control", "")
    assert max_age(response) >= 7 * 24 * 3600, response.headers.get("Cache-Control")
    assert_security_headers(response)


def test_the_favicon_is_served_as_a_static_file(app):
    response = app.get("/favicon.ico")
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<svg") or "<svg" in response.text[:200]
    assert max_age(response) >= 7 * 24 * 3600
    assert_security_headers(response)


def test_static_files_are_served_on_portal_hosts(portal):
    response = portal("acme").get("/static/css/portal.css")
    assert response.status_code == 200
    assert_security_headers(response)


def test_a_missing_static_file_is_a_404_with_the_security_headers(app):
    response = app.get("/static/css/does-not-exist.css")
    assert response.status_code == 404
    assert_security_headers(response)


def test_worker_error_pages_carry_the_security_headers(app):
    response = app.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    assert_security_headers(response)


def test_worker_error_json_carries_the_security_headers(app):
    response = app.get("/api/v1/issues")
    assert_error(response, 401, "unauthorized")
    assert_security_headers(response)


@pytest.mark.parametrize("host, path, status", [
    (APP_HOST, "/internal/health", 200),                  # worker JSON
    (APP_HOST, "/api/v1/issues", 401),                    # worker error JSON
    (APP_HOST, "/no/such/page", 404),                     # worker error page
    (APP_HOST, "/static/css/portal.css", 200),            # static file
    (portal_host("acme"), "/internal/health", 200),      # portal host
    (portal_host("acme"), "/static/css/portal.css", 200),
])
def test_https_answers_of_the_app_and_portal_hosts_carry_strict_transport_security(running_stack, host, path, status):
    response = running_stack.client(host).get(path)
    assert response.status_code == status
    assert_hsts(response)


def test_nginx_error_pages_of_the_app_host_carry_strict_transport_security(app):
    response = app.post("/some/form", data=b"a" * (3 * 1024 * 1024),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert_hsts(response)


# -- 3. unknown hosts -----------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["nope.portal.localhost", "no-such-shop.portal.localhost"])
def test_an_unknown_portal_host_gets_a_neutral_404_page(running_stack, host):
    client = running_stack.client(host, verify=False)
    response = client.get("/")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Page not found" in response.text
    for name in ["acme", "globex", "initech", "umbrella"]:
        assert name not in response.text.lower(), f"the 404 page for {host} names {name!r}: {response.text}"
    assert_security_headers(response)


@pytest.mark.parametrize("host", ["nobody.example", "acme.example", "a.b.portal.localhost", "support.acme.test"])
def test_any_other_name_is_refused_in_the_tls_handshake(running_stack, host):
    # nginx's default server has no certificate: `ssl_reject_handshake` answers an unknown SNI name
    # with an `unrecognized_name` alert, so no certificate is shown and nothing reaches the worker.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", running_stack.https_port), timeout=5) as raw:
        with pytest.raises(ssl.SSLError) as refused:
            context.wrap_socket(raw, server_hostname=host)
    assert "UNRECOGNIZED_NAME" in str(refused.value).upper()


def test_an_unknown_host_gets_a_json_404_on_api_paths(running_stack, api_key):
    client = running_stack.client("nobody.portal.localhost", key=api_key, verify=False)
    response = client.get("/api/v1/issues")
    body = assert_error(response, 404, "not_found")
    assert "acme" not in response.text.lower()
    assert set(body) == {"code", "error"}


def test_the_app_api_is_not_reachable_on_a_portal_host(portal, api_key):
    response = portal("acme", key=api_key).get("/api/v1/issues")
    assert_error(response, 404, "not_found")


def test_the_host_header_is_matched_case_insensitively(running_stack, api_key):
    client = running_stack.client("App.LocalHost", key=api_key, verify=False)
    response = client.get("/api/v1/issues?limit=1")
    assert response.status_code == 200, response.text
    assert json_of(response)["object"] == "list"


# -- 4. body limits -------------------------------------------------------------------------------

def test_a_body_above_the_worker_limit_is_refused_with_413_json(api):
    body = dumps({"name": "x" * (300 * 1024)})
    assert len(body) > MAX_BODY_BYTES
    response = api.post("/api/v1/companies", data=body, headers={"Content-Type": "application/json"})
    body = assert_error(response, 413, "payload_too_large")
    assert str(MAX_BODY_BYTES) in body["error"]
    assert_security_headers(response)
    # The same keep-alive connection keeps working.
    follow_up = api.post("/api/v1/companies", json={"name": "After the 413"})
    assert follow_up.status_code == 201, follow_up.text


def test_a_chunked_body_above_the_worker_limit_is_refused_with_413_json(api):
    payload = dumps({"name": "y" * (300 * 1024)}).encode()

    def chunks():
        for start in range(0, len(payload), 16 * 1024):
            yield payload[start:start + 16 * 1024]

    response = api.post("/api/v1/companies", data=chunks(), headers={"Content-Type": "application/json"})
    assert_error(response, 413, "payload_too_large")


def test_a_small_chunked_body_is_accepted(api):
    def chunks():
        yield b'{"name":'
        yield b'"Chunked Corp"}'

    response = api.post("/api/v1/companies", data=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.text
    assert json_of(response)["name"] == "Chunked Corp"


def test_a_body_just_under_the_worker_limit_reaches_the_handler(api):
    # Not a 413: the handler itself judges it (the name is far too long → 422).
    body = dumps({"name": "z" * (MAX_BODY_BYTES - 100)})
    assert len(body) <= MAX_BODY_BYTES
    response = api.post("/api/v1/companies", data=body, headers={"Content-Type": "application/json"})
    body = assert_error(response, 422, "validation_failed")
    assert [field["field"] for field in body["fields"]] == ["name"]


def test_a_body_above_nginx_client_max_body_size_is_refused_by_nginx_with_413_json(api, app):
    response = api.post("/api/v1/companies", data=b"{" + b" " * (3 * 1024 * 1024) + b"}",
                        headers={"Content-Type": "application/json"})
    body = assert_error(response, 413, "payload_too_large")
    # nginx's own answer (the static JSON), not the worker's.
    assert "larger than this site accepts" in body["error"]
    assert "X-Request-Id" not in response.headers
    assert_security_headers(response)
    # The worker keeps serving.
    assert app.get("/internal/health").status_code == 200
    assert api.post("/api/v1/companies", json={"name": "After the nginx 413"}).status_code == 201


def test_a_page_body_above_nginx_client_max_body_size_gets_the_html_413_page(app):
    response = app.post("/some/form", data=b"a" * (3 * 1024 * 1024),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Too much data" in response.text
    assert_security_headers(response)


# -- 5. no worker ---------------------------------------------------------------------------------

def test_nginx_answers_502_pages_while_no_worker_is_up_and_recovers_after_restart(running_stack, worker, app, api):
    assert api.get("/api/v1/issues?limit=1").status_code == 200  # pool an upstream connection first
    assert worker.stop() == 0
    assert not running_stack.socket_path.exists()

    page = app.get("/")
    assert page.status_code == 502
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<title>Temporarily unavailable</title>" in page.text
    assert page.headers.get("Cache-Control") == "no-store"
    assert page.headers.get("Retry-After") == "5"
    assert_security_headers(page)

    portal_page = running_stack.client(portal_host("acme")).get("/issues/ISS-1001")
    assert portal_page.status_code == 502
    assert "Temporarily unavailable" in portal_page.text

    api_answer = api.get("/api/v1/issues")
    assert api_answer.status_code == 502
    assert json_of(api_answer)["code"] == "unavailable"
    assert api_answer.headers.get("Retry-After") == "5"
    assert_security_headers(api_answer)

    worker.start()
    assert app.get("/internal/health").status_code == 200
    again = api.get("/api/v1/issues?limit=1")
    assert again.status_code == 200
    assert json_of(again)["object"] == "list"


def test_a_killed_worker_leaves_a_stale_socket_that_the_next_worker_replaces(running_stack, worker, app):
    # SIGKILL: no clean-up, the socket file stays behind; nginx must still answer a clean 502.
    worker.stop(signal.SIGKILL)
    assert running_stack.socket_path.is_socket()
    response = app.get("/")
    assert response.status_code == 502
    assert "Temporarily unavailable" in response.text
    worker.start()
    assert app.get("/internal/health").status_code == 200


# -- 8. /internal/ is for loopback only -----------------------------------------------------------

def _location_block(config: str, prefix: str) -> str:
    match = re.search(r"location\s+\^~\s+" + re.escape(prefix) + r"\s*\{(.*?)\n\}", config, re.S)
    assert match, f"no `location ^~ {prefix}` block in the rendered config"
    return match.group(1)


def test_the_rendered_config_allows_internal_paths_to_loopback_only(running_stack):
    locations = (running_stack.nginx_dir / "snippets" / "portal-locations.conf").read_text()
    block = _location_block(locations, "/internal/")
    rules = re.findall(r"^\s*(allow|deny)\s+([^;]+);", block, re.M)
    assert rules, block
    assert ("allow", "127.0.0.1") in rules
    assert rules[-1] == ("deny", "all"), f"`deny all` must close the access rules: {rules}"
    assert {value for verb, value in rules if verb == "allow"} <= {"127.0.0.1", "::1"}, rules


def test_every_https_server_includes_the_shared_locations(running_stack):
    servers = (running_stack.nginx_dir / "portal.conf").read_text()
    https_blocks = [block for block in re.split(r"\nserver\s*\{", servers)[1:] if " ssl" in block.split("\n", 2)[1]]
    serving = [block for block in https_blocks if "ssl_certificate " in block]
    refusing = [block for block in https_blocks if "ssl_reject_handshake on;" in block]
    assert len(serving) == 2 and len(refusing) == 1 and len(https_blocks) == 3, servers
    # The custom domains' blocks come from this template (one per domain, written by `portal certs sync`).
    serving.append((running_stack.nginx_dir / "custom-domain.conf.template").read_text())
    for block in serving:
        assert "portal-locations.conf;" in block
        # No server defines its own /internal/ location that could bypass the rule.
        assert "/internal" not in block
    assert "location" not in refusing[0] and "default_server" in refusing[0]


def test_internal_paths_answer_loopback(app, portal):
    assert app.get("/internal/health").status_code == 200
    assert portal("acme").get("/internal/health").status_code == 200


@pytest.mark.parametrize("host", [APP_HOST, portal_host("acme"), "nobody.portal.localhost"])
def test_internal_paths_are_refused_to_another_source_address(running_stack, host):
    # 127.0.0.2 is a local address, but not one the /internal/ rule allows.
    client = running_stack.client(host, verify=False, source_address="127.0.0.2")
    response = client.get("/internal/health")
    assert response.status_code == 403, response.text
    assert "X-Request-Id" not in response.headers  # nginx answered; the worker never saw it
    assert "ok" not in response.text
    # The rest of the site answers that address normally.
    assert client.get("/static/css/portal.css").status_code == 200


@pytest.mark.parametrize("path", ["//internal/health", "/static/../internal/health", "/%69nternal/health",
                                  "/api/%2e%2e/internal/health", "/internal/./health"])
def test_disguised_internal_paths_are_refused_to_another_source_address(running_stack, path):
    client = running_stack.client(APP_HOST, verify=False, source_address="127.0.0.2")
    response = client.raw("GET", path)
    assert response.status_code in (400, 403, 404), f"{path}: {response.status_code} {response.text[:300]}"
    assert '"status":"ok"' not in response.text


# -- 10. graceful shutdown ------------------------------------------------------------------------

def test_sigterm_with_idle_keepalive_connections_exits_quickly_and_cleanly(running_stack, worker, api, portal):
    # Several kept-alive client and upstream connections, some of them used concurrently.
    clients = [running_stack.client(APP_HOST, key=api.key) for _ in range(4)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda client: client.get("/api/v1/issues?limit=5").status_code, clients * 3))
    assert answers == [200] * 12
    assert portal("acme").get("/internal/health").status_code == 200

    process = worker.process
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=5)
    except Exception:
        pytest.fail(f"the worker did not exit within 5 s of SIGTERM (pid {process.pid})")
    elapsed = time.monotonic() - started
    assert code == 0, f"exit status {code}"
    assert elapsed < 5
    assert not running_stack.socket_path.exists(), "the worker left its socket file behind"
    log = running_stack.worker_log.read_text(errors="replace")
    assert "shutting down" in log and "stopped" in log
    for client in clients:
        client.close()

    worker.start()
    assert api.get("/api/v1/issues?limit=1").status_code == 200


def test_the_worker_refuses_to_start_on_a_socket_another_worker_listens_on(running_stack, app):
    result = subprocess.run([str(BIN_DIR / "portal-worker")], env=running_stack.worker_env(), capture_output=True,
                            text=True, timeout=30)
    assert result.returncode != 0
    assert "already listening" in (result.stdout + result.stderr)
    # The running worker and its socket are untouched.
    assert running_stack.socket_path.is_socket()
    assert app.get("/internal/health").status_code == 200
