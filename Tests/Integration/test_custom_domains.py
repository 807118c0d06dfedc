"""Custom domains end to end, on loopback only: a real DNS server (dnsmasq)
holding the records an operator would create, a real ACME server (pebble)
resolving through it and validating HTTP-01 against nginx, certbot driven by
`portal certs sync`, and the real nginx choosing certificates by SNI.

The tests run in order: each step builds on the state the previous one left."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import time

import pytest

from conftest import APP_HOST, BIN_DIR, REPO, json_of, portal_host, wait_for
from domain_support import ACMEServer, DNSServer, tools_missing
from portal_support import SupportData, get_settings, make_workspace, operator_login, put_settings, save_settings, unique

ACME_DOMAIN = "support.acme.test"
BETA_DOMAIN = "help.beta.test"
GAMMA_DOMAIN = "portal.gamma.test"
EDGE = "edge.portal.localhost"
VERIFY = "/api/account/client-portal/domain/verify"
DURATION_FILE = REPO / "test-output" / "custom-domains-duration.txt"


class Domains:
    pass


@pytest.fixture(scope="module")
def domains(stack, api_key):
    missing = tools_missing()
    assert not missing, f"not installed: {missing} (deploy/install-deps test installs them)"
    started = time.monotonic()
    env = Domains()
    env.stack = stack
    env.dns = DNSServer(stack.root)
    env.dns.set_host(EDGE, "127.0.0.1")
    env.acme = ACMEServer(stack.root, env.dns, stack.http_port)
    env.acme.start()
    nginx_conf = stack.nginx_dir / "nginx.conf"
    stack.extra_env = {
        "PORTAL_DNS_RESOLVER": env.dns.address,
        "PORTAL_ACME_SERVER": env.acme.directory,
        "PORTAL_ACME_WEBROOT": str(stack.acme_root),
        "PORTAL_CERTS_DIR": str(stack.root / "certs"),
        "PORTAL_NGINX_DIR": str(stack.nginx_dir),
        "PORTAL_NGINX_TEST": f"nginx -t -q -c {nginx_conf} -e {stack.nginx_error_log}",
        "PORTAL_NGINX_RELOAD": f"nginx -s reload -c {nginx_conf} -e {stack.nginx_error_log}",
        # certbot trusts pebble's own HTTPS certificate.
        "REQUESTS_CA_BUNDLE": str(env.acme.cert),
    }
    if os.geteuid() == 0:
        stack.extra_env["PORTAL_TLS_KEY_GROUP"] = "www-data"
    stack.restart_worker()
    env.acme_api = stack.client(APP_HOST, key=api_key)
    beta_slug, beta_key = make_workspace(stack, "beta")
    env.beta_slug, env.beta = beta_slug, SupportData(stack, beta_key)
    save_settings(env.beta.api, lambda document: document.update(name="Beta Help Desk"))
    gamma_slug, gamma_key = make_workspace(stack, "gamma")
    env.gamma = SupportData(stack, gamma_key)
    yield env
    DURATION_FILE.parent.mkdir(parents=True, exist_ok=True)
    DURATION_FILE.write_text(f"custom-domain end-to-end module: {time.monotonic() - started:.1f} s\n")
    for path in (stack.nginx_dir / "custom-domains").glob("*.conf"):
        path.unlink()
    subprocess.run(stack.extra_env["PORTAL_NGINX_RELOAD"].split(), capture_output=True)
    stack.extra_env = {}
    env.acme.stop()
    env.dns.stop()
    env.acme_api.close()
    env.beta.close()
    env.gamma.close()
    stack.restart_worker()


def set_domain(api, hostname):
    def change(document):
        document["customDomain"] = {"hostname": hostname} if hostname else None
    return save_settings(api, change)["customDomain"]


def verify(api) -> dict:
    response = api.post(VERIFY)
    assert response.status_code == 200, response.text
    body = json_of(response)
    assert body["object"] == "custom_domain"
    return body


def txt_value(domain: dict) -> str:
    (record,) = [record for record in domain["records"] if record["type"] == "TXT"]
    return record["value"]


def cli(stack, *args, env=None):
    """The admin tool with the stack's settings (and `env` on top); not checked: the tests read its exit status."""
    merged = dict(stack.base_env(), **(env or {}))
    return subprocess.run([str(BIN_DIR / "portal"), *args], env=merged, capture_output=True, text=True, timeout=300)


def served(stack, host, cacert, expected_status=0, timeout=10.0):
    """nginx applies a reload asynchronously (new workers take over, and an old one may still take a connection
    for a moment after the first new answer): wait until the name answers with curl's exit status as expected."""
    result = {}

    def check():
        result["value"] = curl(stack, host, cacert=cacert)
        return result["value"][0] == expected_status

    try:
        wait_for(check, timeout, interval=0.2, what=f"{host} to answer with curl status {expected_status}")
    except TimeoutError:
        pass
    return result["value"]


def curl(stack, host, path="/login", cacert=None, extra=()):
    """curl --resolve host:port:127.0.0.1, trusting pebble's root: (exit status, status line and body)."""
    arguments = ["curl", "-sS", "-i", "--max-time", "10", "--resolve", f"{host}:{stack.https_port}:127.0.0.1",
                 "--cacert", str(cacert), *extra, f"https://{host}:{stack.https_port}{path}"]
    result = subprocess.run(arguments, capture_output=True, text=True, timeout=30)
    return result.returncode, result.stdout + result.stderr


# -- 1. the setting ------------------------------------------------------------------------------

BAD_HOSTNAMES = ["https://support.acme.test", "support.acme.test/path", "support.acme.test:8443", "support.acme.test.",
                 "*.acme.test", "127.0.0.1", "[::1]", "localhost", "app.localhost", "x.portal.localhost", EDGE,
                 "sub.edge.portal.localhost", "a" * 64 + ".test", ".".join(["abcdefghi"] * 26) + ".test", "sµpport.acme.test",
                 "under_score.acme.test", "-lead.acme.test", "nodot"]


@pytest.mark.parametrize("hostname", BAD_HOSTNAMES, ids=range(len(BAD_HOSTNAMES)))
def test_a_hostname_that_cannot_be_a_custom_domain_is_refused(domains, hostname):
    document, response = get_settings(domains.acme_api)
    document["customDomain"] = {"hostname": hostname}
    refused = put_settings(domains.acme_api, document, if_match=response.headers["ETag"])
    assert refused.status_code == 422, f"{hostname!r}: {refused.status_code} {refused.text[:300]}"
    assert [field["field"] for field in refused.json()["fields"]] == ["customDomain.hostname"]


def test_the_settings_show_the_records_to_create(domains):
    domain = set_domain(domains.acme_api, "Support.ACME.test")  # stored lower-case
    assert domain["hostname"] == ACME_DOMAIN and domain["status"] == "pending_dns"
    records = {record["type"]: record for record in domain["records"]}
    assert records["CNAME"] == {"type": "CNAME", "name": ACME_DOMAIN, "value": EDGE}
    assert records["TXT"]["name"] == f"_woes-portal.{ACME_DOMAIN}"
    assert re.fullmatch(r"woes-verify=[0-9a-f]{32}", records["TXT"]["value"])
    assert domain["dns"] == {"checkedAt": None, "txt": None, "cnameTarget": None, "cnamePointsToEdge": None}
    # The settings page shows the same records, and the operator can check them from there.
    operator = operator_login(domains.stack, "acme", "owner@acme.test")
    page = operator.client.get("/clients/portal/settings").text
    assert f"<code>_woes-portal.{ACME_DOMAIN}</code>" in page and f"<code>{EDGE}</code>" in page
    assert records["TXT"]["value"] in page and "pending dns" in page
    checked = operator.client.post("/clients/portal/settings/domain/verify", data={"_csrf": operator.csrf})
    assert checked.status_code == 303 and checked.headers["Location"].startswith("/clients/portal/settings?checked=1")
    page = operator.client.get("/clients/portal/settings?checked=1").text
    assert "Last DNS check" in page and "TXT record not found" in page
    domains.operator = operator


def test_a_domain_claimed_by_another_workspace_is_a_conflict(domains):
    document, response = get_settings(domains.beta.api)
    document["customDomain"] = {"hostname": ACME_DOMAIN}
    conflict = put_settings(domains.beta.api, document, if_match=response.headers["ETag"])
    assert conflict.status_code == 409, conflict.text
    assert get_settings(domains.beta.api)[0]["customDomain"] is None


# -- 2. verification -----------------------------------------------------------------------------

def test_verify_before_the_records_exist_stays_pending(domains):
    domain = verify(domains.acme_api)
    assert domain["status"] == "pending_dns" and domain["dns"]["txt"] == "missing"
    assert f"_woes-portal.{ACME_DOMAIN}" in domain["statusReason"]
    assert domain["dns"]["checkedAt"] is not None


def test_a_txt_record_with_the_wrong_token_does_not_verify(domains):
    domains.dns.set_txt(f"_woes-portal.{ACME_DOMAIN}", "woes-verify=" + "0" * 32)
    domain = verify(domains.acme_api)
    assert domain["status"] == "pending_dns" and domain["dns"]["txt"] == "wrong_value"
    assert "does not contain" in domain["statusReason"]


def test_a_resolver_that_does_not_answer_leaves_it_pending_with_the_reason(domains):
    domains.dns.stop()
    try:
        started = time.monotonic()
        domain = verify(domains.acme_api)
        assert time.monotonic() - started < 15
    finally:
        domains.dns.restart()
    assert domain["status"] == "pending_dns" and domain["dns"]["txt"] == "unknown"
    assert "gave no answer" in domain["statusReason"] and domains.dns.address in domain["statusReason"]


def test_the_right_records_verify_the_domain(domains):
    token = txt_value(get_settings(domains.acme_api)[0]["customDomain"])
    domains.dns.set_txt(f"_woes-portal.{ACME_DOMAIN}", "some-other=record", token)
    domains.dns.set_cname(ACME_DOMAIN, EDGE)
    domain = verify(domains.acme_api)
    assert domain["status"] == "verified" and domain["verifiedAt"] is not None
    assert domain["dns"]["txt"] == "found" and domain["dns"]["cnameTarget"] == EDGE and domain["dns"]["cnamePointsToEdge"] is True
    events = json_of(domains.acme_api.get("/api/account/audit"))["events"]
    assert any(event["action"] == "custom_domain.verified" for event in events)

    app = domains.stack.client(APP_HOST)
    assert app.get("/internal/tls/allowed", params={"domain": ACME_DOMAIN}).status_code == 200
    assert app.get("/internal/tls/allowed", params={"domain": "SUPPORT.acme.test"}).status_code == 200
    assert app.get("/internal/tls/allowed", params={"domain": "unknown.test"}).status_code == 404
    assert app.get("/internal/tls/allowed").status_code == 404


def test_the_other_workspaces_domains_verify_too(domains):
    for data, hostname in [(domains.beta, BETA_DOMAIN), (domains.gamma, GAMMA_DOMAIN)]:
        domain = set_domain(data.api, hostname)
        domains.dns.set_txt(f"_woes-portal.{hostname}", txt_value(domain))
    domains.dns.set_cname(BETA_DOMAIN, EDGE)
    # gamma's name points at an address where nothing answers HTTP: its certificate cannot be validated.
    domains.dns.set_host(GAMMA_DOMAIN, "127.0.0.3")
    assert verify(domains.beta.api)["status"] == "verified"
    gamma = verify(domains.gamma.api)
    assert gamma["status"] == "verified" and gamma["dns"]["cnamePointsToEdge"] is False
    assert EDGE in gamma["statusReason"]


# -- 3. certificates and routing ------------------------------------------------------------------

def test_before_its_certificate_a_verified_domain_is_refused_at_the_handshake(domains):
    status, output = curl(domains.stack, ACME_DOMAIN, cacert=domains.stack.cert_path)
    assert status == 35, output  # SSL connect error: nginx's unrecognized_name alert


def test_certs_sync_obtains_certificates_and_nginx_serves_them_by_sni(domains):
    started = time.monotonic()
    result = cli(domains.stack, "certs", "sync")
    domains.sync_seconds = time.monotonic() - started
    # gamma's validation fails (exit 1), the others get their certificates.
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{ACME_DOMAIN}: certificate issued" in result.stdout and f"{BETA_DOMAIN}: certificate issued" in result.stdout
    assert f"{GAMMA_DOMAIN}: certificate request failed" in result.stdout and "nginx reloaded" in result.stdout
    root = domains.acme.root_certificate()
    domains.issuer_root = root

    status, output = served(domains.stack, ACME_DOMAIN, root)
    assert status == 0, output
    assert output.startswith("HTTP/2 200") or output.startswith("HTTP/1.1 200"), output[:300]
    assert "Sign in to Acme Support" in output

    status, output = curl(domains.stack, BETA_DOMAIN, cacert=root)
    assert status == 0 and "Sign in to Beta Help Desk" in output, output[:500]

    status, output = curl(domains.stack, "unknown.test", cacert=root)
    assert status == 35, output
    # The slug hosts keep the platform's wildcard certificate.
    status, output = curl(domains.stack, portal_host("acme"), cacert=domains.stack.cert_path)
    assert status == 0 and "Acme Support" in output, output[:300]

    acme = get_settings(domains.acme_api)[0]["customDomain"]
    assert acme["status"] == "active" and acme["activatedAt"] and acme["certificateIssuedAt"]
    assert acme["certificateExpiresAt"] > acme["certificateIssuedAt"] and acme["certificateWarning"] is None
    page = domains.operator.client.get("/clients/portal/settings").text
    assert "Certificate valid until" in page and "domain-active" in page


def test_private_keys_are_readable_by_nginx_only(domains):
    key = domains.stack.root / "certs" / "tls" / f"{ACME_DOMAIN}.key"
    mode = stat.S_IMODE(key.stat().st_mode)
    assert mode & 0o007 == 0, oct(mode)  # nothing for others
    if os.geteuid() == 0:
        import grp
        assert grp.getgrgid(key.stat().st_gid).gr_name == "www-data" and mode == 0o640
    else:
        assert mode == 0o600
    certificate = key.with_suffix(".crt")
    assert "BEGIN CERTIFICATE" in certificate.read_text()


def test_an_acme_failure_is_shown_with_its_reason_and_retried_later(domains):
    gamma = get_settings(domains.gamma.api)[0]["customDomain"]
    assert gamma["status"] == "failed" and "certificate request failed" in gamma["statusReason"].lower()
    assert gamma["certificateError"] and gamma["nextCertificateAttemptAt"] > gamma["failedAt"]
    # Not retried before its time: a second sync leaves it alone.
    again = cli(domains.stack, "certs", "sync")
    assert again.returncode == 0, again.stdout + again.stderr
    assert GAMMA_DOMAIN not in again.stdout
    assert get_settings(domains.gamma.api)[0]["customDomain"]["failedAt"] == gamma["failedAt"]


def test_a_customer_signs_in_on_the_custom_domain_with_a_host_only_cookie(domains):
    stack, root = domains.stack, domains.issuer_root
    email = f"{unique('domain-customer')}@initech.test"
    assert domains.acme_api.post("/api/v1/customers", json={"email": email, "portalAccess": "member"}).status_code == 201
    before = len(stack.mails_to(email))
    status, output = curl(stack, ACME_DOMAIN, "/login", cacert=root,
                          extra=["-X", "POST", "--data-urlencode", f"email={email}", "--data-urlencode", "next=/",
                                 "--interface", "127.0.9.9"])
    assert status == 0 and " 303" in output.split("\n", 1)[0], output[:300]
    message = stack.wait_for_mail(email, before + 1)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"https://{ACME_DOMAIN}:{stack.https_port}/auth/link?token=" in text  # links go to the domain the customer used
    code = re.search(r"\b(\d{6})\b", text).group(1)
    status, output = curl(stack, ACME_DOMAIN, "/login/verify", cacert=root,
                          extra=["-X", "POST", "--data-urlencode", f"email={email}", "--data-urlencode", f"code={code}"])
    cookie = re.search(r"(?im)^set-cookie: (woes_portal_session=[^\r\n]+)", output)
    assert status == 0 and cookie, output[:600]
    assert "domain=" not in cookie.group(1).lower()  # host-only: sent back to support.acme.test alone
    token = cookie.group(1).split(";")[0]
    status, output = curl(stack, ACME_DOMAIN, "/api/portal/me", cacert=root, extra=["-H", f"Cookie: {token}"])
    assert status == 0 and f'"email":"{email}"' in output, output[:400]
    # The session belongs to acme's portal: beta's domain does not know it.
    status, output = curl(stack, BETA_DOMAIN, "/api/portal/me", cacert=root, extra=["-H", f"Cookie: {token}"])
    assert status == 0 and " 401" in output.split("\n", 1)[0], output[:300]


# -- 4. records that go away ------------------------------------------------------------------------

def test_a_removed_txt_record_is_flagged_then_stops_routing_after_the_grace_period(domains):
    stack, root = domains.stack, domains.issuer_root
    domains.dns.set_txt(f"_woes-portal.{BETA_DOMAIN}")
    checked = cli(stack, "domains", "check")
    assert checked.returncode == 0, checked.stderr
    beta = get_settings(domains.beta.api)[0]["customDomain"]
    assert beta["status"] == "active" and beta["txtMissingSince"] and beta["dns"]["txt"] == "missing"
    assert "stops routing on" in beta["statusReason"]
    assert curl(stack, BETA_DOMAIN, cacert=root)[0] == 0  # still served during the grace period

    stopped = cli(stack, "domains", "check", env={"PORTAL_DNS_GRACE": "0"})
    assert stopped.returncode == 0, stopped.stderr
    beta = get_settings(domains.beta.api)[0]["customDomain"]
    assert beta["status"] == "failed" and beta["routingStoppedAt"] and "no longer routes" in beta["statusReason"]
    status, output = curl(stack, BETA_DOMAIN, cacert=root)
    assert status == 0 and " 404" in output.split("\n", 1)[0] and "Beta" not in output, output[:300]
    app = stack.client(APP_HOST)
    assert app.get("/internal/tls/allowed", params={"domain": BETA_DOMAIN}).status_code == 404

    synced = cli(stack, "certs", "sync")
    assert f"{BETA_DOMAIN}: server block removed" in synced.stdout, synced.stdout
    assert served(stack, BETA_DOMAIN, root, expected_status=35)[0] == 35
    assert curl(stack, ACME_DOMAIN, cacert=root)[0] == 0  # the others are untouched

    # Restored: it routes again, with the certificate it still has.
    domains.dns.set_txt(f"_woes-portal.{BETA_DOMAIN}", txt_value(beta))
    beta = verify(domains.beta.api)
    assert beta["status"] == "active" and beta["routingStoppedAt"] is None and beta["txtMissingSince"] is None
    cli(stack, "certs", "sync")
    status, output = served(stack, BETA_DOMAIN, root)
    assert status == 0 and "Beta Help Desk" in output, output[:300]


def test_removing_the_domain_from_the_settings_stops_it(domains):
    stack, root = domains.stack, domains.issuer_root
    set_domain(domains.beta.api, None)
    # Its server block stays until the next sync; the worker no longer knows the name. The first answer
    # that gets through the handshake (an old nginx worker of the last reload may refuse it) must say so.
    status, output = served(stack, BETA_DOMAIN, root)
    assert status == 0 and " 404" in output.split("\n", 1)[0], output[:300]
    cli(stack, "certs", "sync")
    assert served(stack, BETA_DOMAIN, root, expected_status=35)[0] == 35
    assert verify_status(domains.beta.api) == 404


def verify_status(api) -> int:
    return api.post(VERIFY).status_code
