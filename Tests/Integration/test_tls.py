"""TLS on the https port (certificate by SNI, protocol versions, HTTP/2) and the
plain-http port (redirects to https, ACME HTTP-01 challenge files)."""

import socket
import ssl
import subprocess
import warnings

import pytest

from conftest import APP_HOST, BASE_DOMAIN, portal_host


def handshake(stack, server_name, context: ssl.SSLContext):
    """Connects to nginx's https port with SNI `server_name`; returns (version, peer certificate dict)."""
    with socket.create_connection(("127.0.0.1", stack.https_port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=server_name) as tls:
            return tls.version(), tls.getpeercert()


def verifying_context(stack) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(stack.cert_path))
    assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
    return context


@pytest.mark.parametrize("server_name", [APP_HOST, portal_host("acme"), portal_host("globex")])
def test_the_certificate_verifies_for_the_app_and_portal_hosts_by_sni(running_stack, server_name):
    version, certificate = handshake(running_stack, server_name, verifying_context(running_stack))
    names = {value for kind, value in certificate["subjectAltName"] if kind == "DNS"}
    assert {APP_HOST, f"*.{BASE_DOMAIN}"} <= names, names
    assert version in ("TLSv1.2", "TLSv1.3")


def test_a_name_outside_the_certificate_is_refused_before_any_certificate_is_shown(running_stack):
    with pytest.raises(ssl.SSLError) as refused:
        handshake(running_stack, "nobody.example", verifying_context(running_stack))
    assert "UNRECOGNIZED_NAME" in str(refused.value).upper()


def test_a_client_that_does_not_trust_the_certificate_is_refused(running_stack):
    context = ssl.create_default_context()  # system CAs only
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(running_stack, APP_HOST, context)


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_tls_1_2_and_1_3_are_accepted(running_stack, version):
    context = verifying_context(running_stack)
    context.minimum_version = version
    context.maximum_version = version
    negotiated, _ = handshake(running_stack, APP_HOST, context)
    assert negotiated == {ssl.TLSVersion.TLSv1_2: "TLSv1.2", ssl.TLSVersion.TLSv1_3: "TLSv1.3"}[version]


@pytest.mark.parametrize("version", ["TLSv1", "TLSv1_1"])
def test_tls_below_1_2_is_refused(running_stack, version):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = getattr(ssl.TLSVersion, version)
            context.maximum_version = getattr(ssl.TLSVersion, version)
    except (ValueError, ssl.SSLError) as error:
        pytest.skip(f"the local OpenSSL cannot offer {version}: {error}")
    with pytest.raises(ssl.SSLError) as raised:
        handshake(running_stack, APP_HOST, context)
    if "NO_PROTOCOLS_AVAILABLE" in str(raised.value).upper() or "no protocols available" in str(raised.value):
        pytest.skip(f"the local OpenSSL refuses to try {version}: {raised.value}")
    text = str(raised.value).lower()
    # The server's "protocol_version" alert (70), not some unrelated failure.
    assert "protocol version" in text or "unsupported protocol" in text, raised.value


def curl(stack, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["curl", "--silent", "--show-error", "--max-time", "15", *args],
                          capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("host", [APP_HOST, portal_host("acme")])
def test_curl_with_the_certificate_as_ca_reaches_the_worker_over_http2(running_stack, host):
    port = running_stack.https_port
    result = curl(running_stack, "--resolve", f"{host}:{port}:127.0.0.1", "--cacert", str(running_stack.cert_path),
                  "--http2", "--output", "/dev/null", "--write-out", "%{http_code} %{http_version} %{ssl_verify_result}",
                  f"https://{host}:{port}/internal/health")
    assert result.returncode == 0, result.stderr
    status, http_version, verify_result = result.stdout.split()
    assert status == "200"
    assert http_version == "2"
    assert verify_result == "0"


def test_curl_without_the_ca_refuses_the_self_signed_certificate(running_stack):
    port = running_stack.https_port
    result = curl(running_stack, "--resolve", f"{APP_HOST}:{port}:127.0.0.1", "--output", "/dev/null",
                  f"https://{APP_HOST}:{port}/internal/health")
    assert result.returncode == 60, (result.returncode, result.stderr)  # CURLE_PEER_FAILED_VERIFICATION


# -- the plain-http port ---------------------------------------------------------------------------

@pytest.mark.parametrize("host", [APP_HOST, portal_host("acme"), "support.acme.example"])
def test_the_http_port_redirects_everything_to_https(running_stack, host):
    client = running_stack.client(host, scheme="http")
    for path in ["/", "/api/v1/issues?limit=5&cursor=abc", "/internal/health", "/static/css/portal.css"]:
        response = client.get(path)
        assert response.status_code == 301, f"{path}: {response.status_code}"
        assert response.headers["Location"] == f"https://{host}{path}"
        assert "X-Request-Id" not in response.headers  # the worker is never asked
    post = client.post("/api/v1/companies", json={"name": "Plain"})
    assert post.status_code == 301


def test_the_http_port_serves_acme_challenge_files(running_stack):
    challenge_dir = running_stack.acme_root / ".well-known" / "acme-challenge"
    token = "Zm9vYmFyLXRva2VuLTEyMw"
    (challenge_dir / token).write_text("Zm9vYmFyLXRva2VuLTEyMw.thumbprint")
    (challenge_dir / token).chmod(0o644)
    client = running_stack.client("support.acme.example", scheme="http")
    response = client.get(f"/.well-known/acme-challenge/{token}")
    assert response.status_code == 200
    assert response.text == "Zm9vYmFyLXRva2VuLTEyMw.thumbprint"
    assert response.headers["Content-Type"].startswith("text/plain")
    missing = client.get("/.well-known/acme-challenge/not-there")
    assert missing.status_code == 404  # not a redirect, not the worker
    escape = client.raw("GET", "/.well-known/acme-challenge/../../tls.key")
    assert escape.status_code in (301, 400, 404)
    assert "PRIVATE KEY" not in escape.text


def test_acme_challenges_are_not_served_on_the_https_port(running_stack):
    challenge_dir = running_stack.acme_root / ".well-known" / "acme-challenge"
    (challenge_dir / "https-only-check").write_text("secret-ish")
    (challenge_dir / "https-only-check").chmod(0o644)
    response = running_stack.client(APP_HOST).get("/.well-known/acme-challenge/https-only-check")
    assert "secret-ish" not in response.text
    assert response.status_code == 404
