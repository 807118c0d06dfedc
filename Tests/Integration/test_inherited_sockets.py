"""The worker adopts a listening socket handed over by its parent when
PORTAL_LISTEN is unset: spawn-fcgi's fd 0, or systemd socket activation
(LISTEN_FDS), here with systemd's own `systemd-socket-activate`."""

from __future__ import annotations

import json
import subprocess

from conftest import BIN_DIR, separate_worker_env, stop_separate_worker, wait_for
from fastcgi_client import request


def health(socket_path) -> dict:
    status, headers, body = request(str(socket_path), "GET", "/internal/health", "app.localhost")
    assert status == 200
    assert headers["content-type"].startswith("application/json")
    return json.loads(body)


def test_under_spawn_fcgi_the_worker_serves_on_the_inherited_fd_0(database_copy, tmp_path):
    socket_path = tmp_path / "spawned.sock"
    log = open(tmp_path / "worker.log", "wb")
    process = subprocess.Popen(
        ["spawn-fcgi", "-n", "-s", str(socket_path), "-M", "0660", "--", str(BIN_DIR / "portal-worker")],
        env=separate_worker_env(database_copy), stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(socket_path.exists, 10, what="spawn-fcgi's socket")
        wait_for(lambda: health(socket_path)["status"] == "ok", 10, what="the worker on fd 0")
        assert "address=fd:0" in (tmp_path / "worker.log").read_text()
        assert oct(socket_path.stat().st_mode & 0o777) == "0o660"
    finally:
        assert stop_separate_worker(process) == 0


def test_under_systemd_socket_activation_the_worker_starts_on_the_first_connection(database_copy, tmp_path):
    socket_path = tmp_path / "activated.sock"
    log = open(tmp_path / "worker.log", "wb")
    env = separate_worker_env(database_copy)
    # systemd-socket-activate passes only the variables named with -E.
    passed = [argument for name in ("PORTAL_DATABASE", "PORTAL_THREADS") for argument in ("-E", f"{name}={env[name]}")]
    process = subprocess.Popen(
        ["systemd-socket-activate", "-l", str(socket_path), *passed, str(BIN_DIR / "portal-worker")],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(socket_path.exists, 10, what="the activation socket")
        # The first connection starts the worker, which then answers on fd 3.
        assert health(socket_path) == {"status": "ok"}
        assert health(socket_path) == {"status": "ok"}
        assert "address=systemd" in (tmp_path / "worker.log").read_text()
    finally:
        assert stop_separate_worker(process) == 0


def test_a_body_over_the_limit_on_an_inherited_socket_is_413_json(database_copy, tmp_path):
    socket_path = tmp_path / "spawned.sock"
    env = separate_worker_env(database_copy)
    env["PORTAL_MAX_BODY_BYTES"] = "1024"
    process = subprocess.Popen(
        ["spawn-fcgi", "-n", "-s", str(socket_path), "--", str(BIN_DIR / "portal-worker")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: health(socket_path), 10, what="the worker")
        status, _, body = request(str(socket_path), "POST", "/api/v1/companies", "app.localhost", body=b"x" * 5000)
        assert status == 413
        assert json.loads(body)["code"] == "payload_too_large"
        assert health(socket_path)["status"] == "ok"
    finally:
        assert stop_separate_worker(process) == 0
