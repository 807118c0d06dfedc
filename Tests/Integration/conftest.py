"""Integration fixtures: a private, real stack on loopback.

One session builds, in a temporary directory:

* a SQLite database, migrated and seeded with `portal seed-demo`;
* the real `portal-worker` on a unix socket;
* the real nginx with the *production* configuration rendered by
  `deploy/render-nginx` (TLS with a self-signed certificate made here);

and every test talks HTTP(S) to nginx on 127.0.0.1, sending SNI and `Host`
itself (``*.localhost`` names are not in /etc/hosts).

Binaries come from ``$PORTAL_BIN_DIR`` (default ``.build/debug``); this suite
never builds them. Logs stay in the temporary directory; the part of the worker
log and nginx error log written during a failing test is attached to its
report, and at the end of the session all logs are copied to
``test-output/integration/``.
"""

from __future__ import annotations

import email
import email.policy
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter

REPO = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("PORTAL_BIN_DIR", str(REPO / ".build" / "debug")))
OUTPUT_DIR = REPO / "test-output" / "integration"

APP_HOST = "app.localhost"
BASE_DOMAIN = "portal.localhost"
MAX_BODY_BYTES = 262144
SEEDED_SLUG = "acme"

# Give a (re)building binary directory a little time before giving up.
BINARY_WAIT_SECONDS = float(os.environ.get("PORTAL_BIN_WAIT", "180"))


def portal_host(slug: str) -> str:
    return f"{slug}.{BASE_DOMAIN}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_copy(stack, tmp_path):
    """A copy of the suite's migrated, seeded database, for a worker started as a process of its own."""
    path = tmp_path / "portal.sqlite"
    subprocess.run(["sqlite3", str(stack.database), f".backup '{path}'"], check=True)
    return path


def separate_worker_env(database) -> dict[str, str]:
    """The environment of a worker of its own on `database`: none of the suite's PORTAL_ or LISTEN_ variables."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PORTAL_", "LISTEN_"))}
    env.update({"PORTAL_DATABASE": str(database), "PORTAL_THREADS": "4"})
    return env


def stop_separate_worker(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=10)


def wait_for(condition, timeout: float, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - reported on timeout
            last_error = error
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}" + (f" (last error: {last_error!r})" if last_error else ""))


class SNIAdapter(HTTPAdapter):
    """Connects to 127.0.0.1 but sends (and verifies the certificate for) a chosen server name,
    optionally from another local source address (e.g. 127.0.0.2)."""

    def __init__(self, server_hostname: Optional[str], source_address: Optional[str] = None, **kwargs):
        self._server_hostname = server_hostname
        self._source_address = source_address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        if self._server_hostname is not None:
            kwargs["server_hostname"] = self._server_hostname
        if self._source_address is not None:
            kwargs["source_address"] = (self._source_address, 0)
        super().init_poolmanager(*args, **kwargs)


class Client:
    """HTTP client for one host name of the stack, talking to nginx's HTTPS port.

    ``client.get("/api/v1/issues")`` sends ``Host: <host>`` and SNI ``<host>``; the
    certificate is verified against the suite's self-signed certificate unless
    ``verify=False`` (used for names the certificate does not cover).
    """

    def __init__(self, stack: "Stack", host: str, key: Optional[str] = None, verify: bool = True,
                 scheme: str = "https", source_address: Optional[str] = None):
        self.stack = stack
        self.host = host
        self.key = key
        self.scheme = scheme
        self.source_address = source_address
        port = stack.https_port if scheme == "https" else stack.http_port
        self.base_url = f"{scheme}://127.0.0.1:{port}"
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies from the environment
        if scheme == "https":
            self.session.mount("https://", SNIAdapter(host, source_address))
            self.session.verify = str(stack.cert_path) if verify else False
        elif source_address is not None:
            self.session.mount("http://", SNIAdapter(None, source_address))
        self.session.headers["Host"] = host
        if key is not None:
            self.session.headers["Authorization"] = f"Bearer {key}"

    def with_key(self, key: Optional[str]) -> "Client":
        return Client(self.stack, self.host, key=key, verify=self.session.verify is not False, scheme=self.scheme,
                      source_address=self.source_address)

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 15)
        kwargs.setdefault("allow_redirects", False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
            return self.session.request(method, self.base_url + path, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def head(self, path: str, **kwargs) -> requests.Response:
        return self.request("HEAD", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def raw(self, method: str, path: str, headers: Optional[dict] = None, body: Optional[bytes] = None) -> "RawResponse":
        """Sends `path` byte for byte (requests would re-quote `%zz` and drop `..` segments)."""
        port = self.stack.https_port if self.scheme == "https" else self.stack.http_port
        if self.scheme == "https":
            if self.session.verify is False:
                context = ssl._create_unverified_context()
            else:
                context = ssl.create_default_context(cafile=str(self.stack.cert_path))
            connection = _SNIHTTPSConnection(port, self.host, context, self.source_address)
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", port, timeout=15,
                source_address=(self.source_address, 0) if self.source_address else None)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            all_headers = {"Host": self.host}
            if self.key is not None:
                all_headers["Authorization"] = f"Bearer {self.key}"
            all_headers.update(headers or {})
            if body is not None:
                all_headers["Content-Length"] = str(len(body))
            for name, value in all_headers.items():
                connection.putheader(name, value)
            connection.endheaders(body)
            response = connection.getresponse()
            return RawResponse(response.status, response.headers, response.read())
        finally:
            connection.close()

    def close(self):
        self.session.close()


@dataclass
class RawResponse:
    status_code: int
    headers: "http.client.HTTPMessage"
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content)


class _SNIHTTPSConnection(http.client.HTTPConnection):
    """http.client over TLS to 127.0.0.1 with a chosen SNI / certificate name."""

    def __init__(self, port: int, server_hostname: str, context: ssl.SSLContext, source_address: Optional[str]):
        super().__init__("127.0.0.1", port, timeout=15,
                         source_address=(source_address, 0) if source_address else None)
        self._server_hostname = server_hostname
        self._context = context

    def connect(self):
        super().connect()
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self._server_hostname)


class Stack:
    """The worker, nginx and the admin CLI around one private database."""

    def __init__(self, root: Path):
        self.root = root
        self.database = root / "portal.sqlite"
        self.socket_path = root / "worker.sock"
        self.nginx_dir = root / "nginx"
        self.prefix = root / "nginx-prefix"
        self.acme_root = root / "acme"
        self.cert_path = root / "tls.crt"
        self.key_path = root / "tls.key"
        self.worker_log = root / "worker.log"
        self.nginx_stdout_log = root / "nginx-stdout.log"
        self.cli_log = root / "cli.log"
        self.http_port = free_port()
        self.https_port = free_port()
        while self.https_port == self.http_port:
            self.https_port = free_port()
        self.worker: Optional[subprocess.Popen] = None
        self.nginx: Optional[subprocess.Popen] = None
        # A real SMTP server (deploy/smtp-sink, aiosmtpd) requiring STARTTLS and AUTH.
        self.mail_dir = root / "mail"
        self.smtp_port = free_port()
        self.smtp_user = "portal-mailer"
        self.smtp_password = "s3cret-" + os.urandom(6).hex()
        self.smtp_log = root / "smtp-sink.log"
        self.smtp: Optional[subprocess.Popen] = None
        # Extra PORTAL_* settings for the worker and the CLI (the custom-domain tests point them at their DNS and ACME servers).
        self.extra_env: dict[str, str] = {}
        self.seed_api_key: Optional[str] = None

    # -- paths of logs -------------------------------------------------------------------

    @property
    def nginx_error_log(self) -> Path:
        return self.prefix / "logs" / "error.log"

    @property
    def nginx_access_log(self) -> Path:
        return self.prefix / "logs" / "access.log"

    @property
    def logs(self) -> dict[str, Path]:
        return {
            "worker log": self.worker_log,
            "nginx error log": self.nginx_error_log,
            "nginx access log": self.nginx_access_log,
            "nginx stdout/stderr": self.nginx_stdout_log,
            "portal CLI log": self.cli_log,
            "SMTP sink log": self.smtp_log,
        }

    # -- environment ---------------------------------------------------------------------

    def base_env(self) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")}
        env["PORTAL_DATABASE"] = str(self.database)
        env.update(self.extra_env)
        return env

    def worker_env(self) -> dict[str, str]:
        env = self.base_env()
        env.update({
            "PORTAL_LISTEN": str(self.socket_path),
            "PORTAL_APP_HOST": APP_HOST,
            "PORTAL_BASE_DOMAIN": BASE_DOMAIN,
            "PORTAL_MAX_BODY_BYTES": str(MAX_BODY_BYTES),
            "PORTAL_SMTP_URL": f"smtp://{self.smtp_user}:{self.smtp_password}@localhost:{self.smtp_port}?tls=required",
            "PORTAL_SMTP_CA_FILE": str(self.cert_path),
            "PORTAL_MAIL_FROM": "noreply@portal.localhost",
        })
        env.update(self.extra_env)
        if os.geteuid() == 0:
            # nginx's workers then run as www-data and reach the socket through its group.
            env["PORTAL_SOCKET_GROUP"] = "www-data"
        return env

    # -- admin CLI -----------------------------------------------------------------------

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([str(BIN_DIR / "portal"), *args], env=self.base_env(), capture_output=True,
                                text=True, timeout=60)
        with self.cli_log.open("a") as log:
            log.write(f"$ portal {' '.join(args)}\n[exit {result.returncode}]\n{result.stdout}{result.stderr}\n")
        if check and result.returncode != 0:
            raise RuntimeError(f"portal {' '.join(args)} failed with {result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    @staticmethod
    def last_line(result: subprocess.CompletedProcess) -> str:
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        assert lines, f"no output from the CLI: {result!r}"
        return lines[-1].strip()

    def create_workspace(self, slug: str, name: str) -> None:
        self.cli("workspace", "create", "--slug", slug, "--name", name)

    def create_operator(self, workspace: str, email: str, name: str, role: str) -> None:
        self.cli("operator", "create", "--workspace", workspace, "--email", email, "--name", name, "--role", role)

    def create_api_key(self, workspace: str, name: str, operator: Optional[str] = None,
                       permissions: Optional[list[str]] = None) -> str:
        args = ["api-key", "create", "--workspace", workspace, "--name", name]
        if operator is not None:
            args += ["--operator", operator]
        if permissions is not None:
            args += ["--permissions", ",".join(permissions)]
        key = self.last_line(self.cli(*args))
        assert key.startswith("woesk_"), f"the last line of api-key create is not a key: {key!r}"
        return key

    def api_keys(self, workspace: str) -> list[dict]:
        rows = []
        for line in self.cli("api-key", "list", "--workspace", workspace).stdout.splitlines():
            parts = line.split("\t")
            if len(parts) >= 4:
                rows.append({"id": int(parts[0]), "prefix": parts[1], "name": parts[2], "state": parts[3]})
        return rows

    def revoke_api_key(self, workspace: str, name: str) -> int:
        matches = [row for row in self.api_keys(workspace) if row["name"] == name]
        assert len(matches) == 1, f"expected one key named {name!r} in {workspace}: {matches}"
        self.cli("api-key", "revoke", "--workspace", workspace, "--id", str(matches[0]["id"]))
        return matches[0]["id"]

    # -- set-up ----------------------------------------------------------------------------

    def prepare(self) -> None:
        # nginx's workers (www-data when started as root) must traverse the root to
        # reach the socket, the ACME files and the temp directories.
        self.root.chmod(0o755)
        self.cli("migrate")
        self.seed_api_key = self.last_line(self.cli("seed-demo"))
        assert self.seed_api_key.startswith("woesk_"), self.seed_api_key
        self.make_certificate()
        (self.acme_root / ".well-known" / "acme-challenge").mkdir(parents=True)
        for directory in [self.acme_root, self.acme_root / ".well-known", self.acme_root / ".well-known" / "acme-challenge"]:
            directory.chmod(0o755)
        self.render_nginx()

    def make_certificate(self) -> None:
        subprocess.run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
            "-keyout", str(self.key_path), "-out", str(self.cert_path),
            "-subj", f"/CN={APP_HOST}",
            "-addext", f"subjectAltName=DNS:{APP_HOST},DNS:*.{BASE_DOMAIN},DNS:localhost,IP:127.0.0.1",
        ], check=True, capture_output=True, timeout=60)

    def render_nginx(self) -> None:
        result = subprocess.run([
            str(REPO / "deploy" / "render-nginx"), "--out", str(self.nginx_dir), "--variant", "production",
            "--socket", str(self.socket_path), "--app-host", APP_HOST, "--base-domain", BASE_DOMAIN,
            "--http-listen", f"127.0.0.1:{self.http_port}", "--https-listen", f"127.0.0.1:{self.https_port}",
            "--cert", str(self.cert_path), "--key", str(self.key_path), "--acme-root", str(self.acme_root),
            "--standalone", str(self.prefix),
        ], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"render-nginx failed:\n{result.stdout}\n{result.stderr}"
        for directory in [self.prefix, self.prefix / "logs", self.prefix / "tmp"]:
            directory.chmod(0o755)

    # -- worker ----------------------------------------------------------------------------

    @property
    def worker_running(self) -> bool:
        return self.worker is not None and self.worker.poll() is None

    def start_worker(self, wait: bool = True) -> subprocess.Popen:
        assert not self.worker_running, "the worker is already running"
        with self.worker_log.open("ab") as log:
            log.write(f"--- starting portal-worker at {time.strftime('%H:%M:%S')} ---\n".encode())
            log.flush()
            self.worker = subprocess.Popen([str(BIN_DIR / "portal-worker")], env=self.worker_env(),
                                           stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def socket_ready():
            if self.worker.poll() is not None:
                raise RuntimeError(f"portal-worker exited with {self.worker.returncode}; see {self.worker_log}")
            return self.socket_path.is_socket()

        wait_for(socket_ready, 30, what="the worker socket")
        if wait and self.nginx is not None:
            self.wait_healthy()
        return self.worker

    def stop_worker(self, sig: int = signal.SIGTERM, timeout: float = 10) -> Optional[int]:
        """Signals the worker and waits for it; returns its exit status (None if it was not running)."""
        if self.worker is None:
            return None
        if self.worker.poll() is None:
            self.worker.send_signal(sig)
            try:
                self.worker.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait(timeout=10)
                raise
        return self.worker.returncode

    def restart_worker(self) -> None:
        self.stop_worker()
        self.start_worker()

    def ensure_worker(self) -> None:
        if not self.worker_running:
            self.start_worker()

    # -- SMTP ------------------------------------------------------------------------------------

    def start_smtp(self) -> None:
        with self.smtp_log.open("ab") as log:
            self.smtp = subprocess.Popen(
                ["/usr/bin/python3", str(REPO / "deploy" / "smtp-sink"), "--host", "127.0.0.1", "--port", str(self.smtp_port),
                 "--dir", str(self.mail_dir), "--tls-cert", str(self.cert_path), "--tls-key", str(self.key_path),
                 "--auth", f"{self.smtp_user}:{self.smtp_password}", "--refuse", "bounce-"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def listening():
            if self.smtp.poll() is not None:
                raise RuntimeError(f"smtp-sink exited with {self.smtp.returncode}; see {self.smtp_log}")
            with socket.create_connection(("127.0.0.1", self.smtp_port), timeout=1):
                pass
            return True

        wait_for(listening, 30, what="the SMTP sink to listen")

    def stop_smtp(self) -> None:
        if self.smtp is not None and self.smtp.poll() is None:
            self.smtp.send_signal(signal.SIGTERM)
            try:
                self.smtp.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.smtp.kill()

    def mails_to(self, address: str) -> list:
        """Every mail the SMTP server accepted for this address, oldest first."""
        found = []
        for path in sorted(self.mail_dir.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address.lower() in message.get("X-Sink-Rcpt-To", "").lower():
                found.append(message)
        return found

    def wait_for_mail(self, address: str, count: int = 1, timeout: float = 20):
        """The `count`-th mail to this address, once the worker has delivered it."""
        mails = wait_for(lambda: (lambda m: m if len(m) >= count else None)(self.mails_to(address)), timeout,
                         what=f"mail number {count} to {address}")
        return mails[count - 1]

    # -- nginx -------------------------------------------------------------------------------

    def start_nginx(self) -> None:
        with self.nginx_stdout_log.open("ab") as log:
            self.nginx = subprocess.Popen(
                ["nginx", "-c", str(self.nginx_dir / "nginx.conf"), "-e", str(self.nginx_error_log),
                 "-g", "daemon off;"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def listening():
            if self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.nginx.returncode}; see {self.nginx_error_log}")
            with socket.create_connection(("127.0.0.1", self.https_port), timeout=1):
                pass
            with socket.create_connection(("127.0.0.1", self.http_port), timeout=1):
                pass
            return True

        wait_for(listening, 30, what="nginx to listen")

    def stop_nginx(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGTERM)
            try:
                self.nginx.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait(timeout=10)

    # -- helpers -----------------------------------------------------------------------------

    def client(self, host: str, key: Optional[str] = None, verify: bool = True, scheme: str = "https",
               source_address: Optional[str] = None) -> Client:
        return Client(self, host, key=key, verify=verify, scheme=scheme, source_address=source_address)

    def wait_healthy(self, timeout: float = 30) -> None:
        client = self.client(APP_HOST)
        try:
            wait_for(lambda: client.get("/internal/health", timeout=2).status_code == 200, timeout,
                     what="/internal/health through nginx")
        finally:
            client.close()

    def log_sizes(self) -> dict[str, int]:
        return {name: (path.stat().st_size if path.exists() else 0) for name, path in self.logs.items()}


def _wait_for_binaries() -> None:
    needed = [BIN_DIR / "portal", BIN_DIR / "portal-worker"]
    deadline = time.monotonic() + BINARY_WAIT_SECONDS
    while True:
        missing = [path for path in needed if not (path.is_file() and os.access(path, os.X_OK))]
        if not missing:
            return
        if time.monotonic() >= deadline:
            pytest.exit(f"missing binaries {', '.join(map(str, missing))}: build them first "
                        f"(this suite never builds; set PORTAL_BIN_DIR to use another directory)", returncode=4)
        time.sleep(5)


# -- fixtures ------------------------------------------------------------------------------------

_ACTIVE_STACK: Optional[Stack] = None


@pytest.fixture(scope="session")
def stack():
    global _ACTIVE_STACK
    _wait_for_binaries()
    for tool in ["nginx", "openssl"]:
        if shutil.which(tool) is None:
            pytest.exit(f"{tool} is not installed", returncode=4)
    root = Path(tempfile.mkdtemp(prefix="woes-portal-it-"))
    stack = Stack(root)
    _ACTIVE_STACK = stack
    try:
        stack.prepare()
        stack.start_smtp()
        stack.start_worker(wait=False)
        stack.start_nginx()
        stack.wait_healthy()
        yield stack
    finally:
        try:
            stack.stop_worker()
        finally:
            stack.stop_nginx()
            stack.stop_smtp()
            _ACTIVE_STACK = None
            _save_logs(stack)
            if os.environ.get("PORTAL_KEEP_TMP") != "1":
                shutil.rmtree(root, ignore_errors=True)


def _save_logs(stack: Stack) -> None:
    try:
        if OUTPUT_DIR.exists():
            shutil.rmtree(OUTPUT_DIR)
        OUTPUT_DIR.mkdir(parents=True)
        for path in list(stack.logs.values()) + [stack.nginx_dir / "portal.conf"]:
            if path.exists():
                shutil.copy(path, OUTPUT_DIR / path.name)
    except OSError as error:
        print(f"could not save integration logs: {error}")


@pytest.fixture
def running_stack(stack):
    """The stack, with a worker guaranteed to be up before and after the test."""
    stack.ensure_worker()
    yield stack
    stack.ensure_worker()


@pytest.fixture(scope="session")
def api_key(stack) -> str:
    """acme's owner key from `portal seed-demo` (every permission)."""
    return stack.seed_api_key


@pytest.fixture
def app(running_stack) -> Client:
    """Client for the app host, unauthenticated."""
    client = running_stack.client(APP_HOST)
    yield client
    client.close()


@pytest.fixture
def api(running_stack, api_key) -> Client:
    """Client for the app host with acme's owner key."""
    client = running_stack.client(APP_HOST, key=api_key)
    yield client
    client.close()


@pytest.fixture
def portal(running_stack):
    """`portal("acme")` → a client for acme.portal.localhost."""
    clients = []

    def make(slug: str, key: Optional[str] = None) -> Client:
        client = running_stack.client(portal_host(slug), key=key)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def worker(running_stack):
    """Control of the worker process: `.stop()`, `.start()`, `.restart()`, `.process`."""

    @dataclass
    class WorkerControl:
        stack: Stack

        @property
        def process(self) -> Optional[subprocess.Popen]:
            return self.stack.worker

        def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> Optional[int]:
            return self.stack.stop_worker(sig, timeout)

        def start(self) -> None:
            self.stack.start_worker()

        def restart(self) -> None:
            self.stack.restart_worker()

    return WorkerControl(running_stack)


_workspace_counter = 0


@pytest.fixture
def new_workspace(running_stack):
    """`new_workspace("prefix")` → (slug, all-permissions key) of a fresh, empty workspace."""

    def make(prefix: str = "ws", permissions: Optional[list[str]] = None) -> tuple[str, str]:
        global _workspace_counter
        _workspace_counter += 1
        slug = f"{prefix}-{_workspace_counter}-{os.getpid() % 1000}"
        running_stack.create_workspace(slug, f"Workspace {slug}")
        key = running_stack.create_api_key(slug, f"{slug} key", permissions=permissions)
        return slug, key

    return make


# -- failure diagnostics -------------------------------------------------------------------------

_LOG_STASH = pytest.StashKey[dict]()
_MAX_LOG_CHARS = 20000


@pytest.fixture(autouse=True)
def _remember_log_offsets(request):
    if _ACTIVE_STACK is not None:
        request.node.stash[_LOG_STASH] = _ACTIVE_STACK.log_sizes()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when not in ("setup", "call") or not report.failed or _ACTIVE_STACK is None:
        return
    offsets = item.stash.get(_LOG_STASH, {})
    for name, path in _ACTIVE_STACK.logs.items():
        if not path.exists() or name == "nginx access log" and report.when == "setup":
            continue
        with path.open("rb") as handle:
            handle.seek(offsets.get(name, 0))
            text = handle.read().decode("utf-8", "replace")
        if len(text) > _MAX_LOG_CHARS:
            text = "[…]\n" + text[-_MAX_LOG_CHARS:]
        if text.strip():
            report.sections.append((f"{name} during this test ({path})", text))


# -- assertion helpers shared by the test modules -------------------------------------------------

def json_of(response: requests.Response) -> dict:
    """The JSON body, after checking the JSON content type of API.md."""
    content_type = response.headers.get("Content-Type", "")
    assert content_type.startswith("application/json"), \
        f"expected JSON, got {response.status_code} {content_type!r}: {response.text[:500]!r}"
    try:
        return response.json()
    except ValueError as error:
        raise AssertionError(f"invalid JSON body ({error}): {response.text[:500]!r}") from error


def assert_error(response: requests.Response, status: int, code: str) -> dict:
    """A JSON error answer `{"code", "error"}` with this status and code."""
    assert response.status_code == status, \
        f"expected {status} {code}, got {response.status_code}: {response.text[:800]!r}"
    body = json_of(response)
    assert body.get("code") == code, body
    assert isinstance(body.get("error"), str) and body["error"].strip(), body
    return body


def dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"))
