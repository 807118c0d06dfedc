"""A real DNS server (Debian's dnsmasq) and a real ACME server (Debian's pebble)
on loopback ports, for the custom-domain tests."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import urllib.request
from pathlib import Path
from typing import Optional

from conftest import free_port, wait_for


class DNSServer:
    """dnsmasq answering for the test's zones only (no upstream, no /etc/hosts), on 127.0.0.1:port.
    Changing a record restarts it with the new records, like an operator editing their zone."""

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.log = root / "dnsmasq.log"
        self.process: Optional[subprocess.Popen] = None
        self.txt: dict[str, list[str]] = {}
        self.cname: dict[str, str] = {}
        self.hosts: dict[str, str] = {}

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def set_txt(self, name: str, *values: str) -> None:
        if values:
            self.txt[name] = list(values)
        else:
            self.txt.pop(name, None)
        self.restart()

    def set_cname(self, name: str, target: str) -> None:
        self.cname[name] = target
        self.restart()

    def set_host(self, name: str, address: str) -> None:
        self.hosts[name] = address
        self.restart()

    def restart(self) -> None:
        self.stop()
        arguments = ["dnsmasq", "--no-daemon", "--keep-in-foreground", f"--port={self.port}", "--listen-address=127.0.0.1",
                     "--bind-interfaces", "--no-resolv", "--no-hosts", "--no-poll", "--log-queries",
                     f"--log-facility={self.log}", "--local-ttl=0", "--conf-file=/dev/null", "--pid-file=",
                     # Authoritative for the test zones: a missing name is NXDOMAIN, not a refusal.
                     "--local=/test/", "--local=/localhost/"]
        if os.geteuid() == 0:
            arguments.append("--user=root")
        for name, values in self.txt.items():
            for value in values:
                arguments.append(f"--txt-record={name},{value}")
        for name, address in self.hosts.items():
            arguments.append(f"--host-record={name},{address}")
        for name, target in self.cname.items():
            arguments.append(f"--cname={name},{target}")
        self.process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=open(self.root / "dnsmasq.stderr", "ab"))

        def listening():
            if self.process.poll() is not None:
                raise RuntimeError(f"dnsmasq exited: {(self.root / 'dnsmasq.stderr').read_text()[-500:]}")
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                # A query for a name nobody serves still gets an answer (REFUSED): the server is up.
                probe.settimeout(0.2)
                probe.sendto(bytes.fromhex("abcd01000001000000000000") + b"\x05probe\x04test\x00\x00\x01\x00\x01",
                             ("127.0.0.1", self.port))
                return probe.recv(512)[:2] == bytes.fromhex("abcd")

        wait_for(listening, 10, what="dnsmasq")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
        self.process = None


class ACMEServer:
    """pebble, resolving names through the test's dnsmasq and validating HTTP-01 on nginx's HTTP port."""

    def __init__(self, root: Path, dns: DNSServer, http_port: int):
        self.root = root / "pebble"
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.management_port = free_port()
        self.dns = dns
        self.http_port = http_port
        self.cert = self.root / "pebble.crt"
        self.key = self.root / "pebble.key"
        self.log = self.root / "pebble.log"
        self.process: Optional[subprocess.Popen] = None

    @property
    def directory(self) -> str:
        return f"https://127.0.0.1:{self.port}/dir"

    def start(self) -> None:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
                        "-keyout", str(self.key), "-out", str(self.cert), "-subj", "/CN=pebble",
                        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True, timeout=60)
        config = self.root / "pebble-config.json"
        config.write_text(json.dumps({"pebble": {
            "listenAddress": f"127.0.0.1:{self.port}", "managementListenAddress": f"127.0.0.1:{self.management_port}",
            "certificate": str(self.cert), "privateKey": str(self.key), "httpPort": self.http_port,
            "tlsPort": free_port(), "ocspResponderURL": "", "externalAccountBindingRequired": False,
        }}))
        env = dict(os.environ, PEBBLE_VA_NOSLEEP="1", PEBBLE_WFE_NONCEREJECT="0", PEBBLE_AUTHZREUSE="0")
        self.process = subprocess.Popen(["pebble", "-config", str(config), "-dnsserver", self.dns.address],
                                        stdout=open(self.log, "ab"), stderr=subprocess.STDOUT, env=env)

        def listening():
            if self.process.poll() is not None:
                raise RuntimeError(f"pebble exited: {self.log.read_text()[-800:]}")
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True

        wait_for(listening, 20, what="pebble")

    def root_certificate(self) -> Path:
        """The root pebble signs with (random per run), for clients to trust."""
        context = ssl.create_default_context(cafile=str(self.cert))
        with urllib.request.urlopen(f"https://127.0.0.1:{self.management_port}/roots/0", context=context, timeout=10) as response:
            path = self.root / "issuer-root.pem"
            path.write_bytes(response.read())
        return path

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)


def tools_missing() -> list[str]:
    return [tool for tool in ["dnsmasq", "pebble", "certbot", "curl", "openssl"] if shutil.which(tool) is None]
