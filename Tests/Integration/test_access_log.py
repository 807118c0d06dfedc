"""The worker's access lines are gathered for PORTAL_ACCESS_LOG_DELAY_MS and
written in one go; a worker stopped by SIGTERM writes the ones still gathering
before it exits."""

from __future__ import annotations

import subprocess

from conftest import BIN_DIR, separate_worker_env, stop_separate_worker, wait_for
from fastcgi_client import request


def test_a_stopping_worker_writes_the_access_lines_it_was_still_gathering(database_copy, tmp_path):
    socket_path = tmp_path / "worker.sock"
    log_path = tmp_path / "worker.log"
    env = separate_worker_env(database_copy)
    env.update({"PORTAL_LISTEN": str(socket_path), "PORTAL_ACCESS_LOG_DELAY_MS": "1000"})
    with log_path.open("wb") as log:
        process = subprocess.Popen([str(BIN_DIR / "portal-worker")], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(socket_path.exists, 10, what="the worker's socket")
        for number in range(5):
            status, _, _ = request(str(socket_path), "GET", f"/internal/missing-{number}", "app.localhost")
            assert status == 404
    finally:
        assert stop_separate_worker(process) == 0
    lines = [line for line in log_path.read_text().splitlines() if " request " in line and "path=/internal/missing-" in line]
    assert [line.split("path=")[1].split(" ")[0] for line in lines] == [f"/internal/missing-{n}" for n in range(5)]
    assert all("status=404" in line for line in lines)
