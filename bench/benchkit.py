"""What bench/run, bench/profile and bench/sign-in share: the development
hosts, the release binaries, the benchmark dataset (so they measure the same
thing) and waiting for the services they start."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP_HOST = "app.localhost"
BASE_DOMAIN = "portal.localhost"
PORTAL_HOST = f"acme.{BASE_DOMAIN}"


def log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, text=True, **kwargs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, poll: float = 0.05):
    """The first true value of `predicate` (OSError counts as not yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except OSError:
            pass
        time.sleep(poll)
    raise SystemExit(f"bench: timed out waiting for {what}")


def release_binaries(given: str | None) -> Path:
    """The directory of the given binaries, or of a release build made now."""
    if given:
        log(f"Using binaries in {given}")
        return Path(given)
    log("Building (release)")
    run(["swift", "build", "-c", "release"], cwd=REPO, stdout=subprocess.DEVNULL)
    return Path(run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPO, capture_output=True).stdout.strip())


def generate_dataset(binaries: Path, env: dict[str, str], issues: int) -> dict:
    """Migrates the database `env` names and fills workspace `acme` with the
    admin tool; returns its summary (member and admin emails, API key,
    detail and reply refs)."""
    portal = str(binaries / "portal")
    run([portal, "migrate"], env=env, stdout=subprocess.DEVNULL)
    customers = min(10_000, max(100, issues // 10))
    companies = max(10, customers // 10)
    output = run([portal, "generate-dataset", "--issues", str(issues), "--customers", str(customers),
                  "--companies", str(companies)], env=env, capture_output=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def dev_session(binaries: Path, env: dict[str, str], email: str) -> str:
    """A portal session token for a customer of `acme`."""
    output = run([str(binaries / "portal"), "dev-session", "--workspace", "acme", "--email", email],
                 env=env, capture_output=True).stdout
    return output.strip().splitlines()[-1]
