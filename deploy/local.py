"""The compose topology without Docker: N app processes on loopback ports and Debian's HAProxy in front.

    .venv/bin/python -m deploy.local --replicas 2 --port 8080

Each replica is the command line of scripts/run.sh on a free loopback port,
named by ``SEQUENCE_LAB_REPLICA``; HAProxy gets the configuration rendered
from the same template as compose's (deploy/config.py). Everything started
is stopped on exit (Ctrl+C). The browser tests and bench/replicas.py start
the same thing through :class:`LocalDeployment`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import IO

from core.replicas import REPLICA_VARIABLE
from deploy.config import haproxy_config, replica_name
from deploy.replica import WARM_LIMIT_S

ROOT = Path(__file__).resolve().parents[1]
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
START_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout_s: float) -> None:
    """Return once ``url``/_stcore/health answers 200; raise if ``process`` exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing answered at {url} within {timeout_s} s")


def start_server(port: int, env: dict[str, str] | None = None, options: tuple[str, ...] = (),
                 log: IO[str] | None = None, warm: bool = False) -> subprocess.Popen:
    """The same command line as scripts/run.sh, on the given loopback port.

    ``env`` adds to the environment, ``options`` to Streamlit's command line;
    the server's output goes to ``log`` (an open file), else nowhere. With
    ``warm``, deploy/replica.py runs that command line and trains every page's
    default model in the background meanwhile.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "deploy.replica" if warm else "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", *options],
        cwd=ROOT, stdout=subprocess.DEVNULL if log is None else log, stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )


class LocalDeployment:
    """``replicas`` app servers and HAProxy on ``port`` (a free one by default); a context manager.

    ``url`` is what visitors open; ``servers`` maps each replica's name to its
    process; ``kill`` ends one at once, as a crash would. ``log`` receives
    every process's output (HAProxy's request log included). ``warm`` replicas
    train every page's default model as they start (deploy/replica.py).
    """

    def __init__(self, replicas: int, port: int = 0, env: dict[str, str] | None = None,
                 options: tuple[str, ...] = (), log: IO[str] | None = None, warm: bool = True):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._replicas, self._env, self._options, self._log, self._warm = replicas, env or {}, options, log, warm
        self.servers: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}
        self.haproxy: subprocess.Popen | None = None
        self._folder = tempfile.TemporaryDirectory(prefix="sequence-lab-haproxy-")

    def __enter__(self) -> LocalDeployment:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        """Start every replica, wait until each is healthy, then start HAProxy and wait for it."""
        for number in range(1, self._replicas + 1):
            name = replica_name(number)
            self.ports[name] = free_port()
            self.servers[name] = start_server(self.ports[name], {**self._env, REPLICA_VARIABLE: name},
                                              self._options, self._log, self._warm)
        limit_s = START_TIMEOUT_S + (WARM_LIMIT_S if self._warm else 0)  # a warm replica listens once warm
        for name, server in self.servers.items():
            wait_until_healthy(f"http://127.0.0.1:{self.ports[name]}", server, limit_s)
        config = Path(self._folder.name) / "haproxy.cfg"
        config.write_text(haproxy_config(f"127.0.0.1:{self.port}",
                                         {name: f"127.0.0.1:{port}" for name, port in self.ports.items()}))
        self.haproxy = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdout=self._log or subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT)
        wait_until_healthy(self.url, self.haproxy, START_TIMEOUT_S)

    def kill(self, name: str) -> None:
        """End replica ``name`` at once (SIGKILL: no goodbye to its visitors, as when a machine dies)."""
        self.servers[name].kill()
        self.servers[name].wait()

    def stop(self) -> None:
        for process in [*self.servers.values(), self.haproxy]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [*self.servers.values(), self.haproxy]:
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        self._folder.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="how many app servers")
    parser.add_argument("--port", type=int, default=8080, help="where HAProxy listens (on 127.0.0.1)")
    parser.add_argument("--cold", action="store_true", help="do not train the default models at start")
    args = parser.parse_args()
    with LocalDeployment(args.replicas, args.port, log=sys.stdout, warm=not args.cold) as deployment:
        ports = ", ".join(f"{name} on {port}" for name, port in deployment.ports.items())
        print(f"Sequence Lab at {deployment.url} (HAProxy in front of {ports}); Ctrl+C stops everything.",
              flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        with contextlib.suppress(KeyboardInterrupt):
            deployment.haproxy.wait()


if __name__ == "__main__":
    main()
