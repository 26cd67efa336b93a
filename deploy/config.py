"""HAProxy's configuration and the compose file, both rendered from deploy/haproxy.cfg.in.

    .venv/bin/python -m deploy.config --replicas 3

writes deploy/haproxy.cfg and deploy/compose.yaml for that many replicas
(three are checked in). deploy/local.py renders the same template for app
processes on loopback ports, so Docker and the tests run one configuration.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from string import Template

from core.replicas import DEFAULTS_VARIABLE, PAGE_COOKIE, REPLICA_VARIABLE

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "haproxy.cfg.in"
STICKY_COOKIE = "sequence_lab_replica"  # HAProxy's: which replica this browser sticks to
APP_PORT = 8501  # the Dockerfile's
PUBLIC_PORT = 8080
COMPOSE_REPLICAS = 3  # the checked-in rendering
SHARED = "/shared"  # the volume every compose replica mounts (the Dockerfile makes it the app user's)
XLA_CACHE = f"{SHARED}/xla"  # XLA's compiled programs, reused by every replica
DEFAULTS = f"{SHARED}/defaults"  # the pages' default models, saved by the first replica (core.default_store)


def replica_name(number: int) -> str:
    """The name HAProxy, the sidebar and the logs use for replica ``number`` (from 1)."""
    return f"replica-{number}"


def haproxy_config(bind: str, servers: dict[str, str]) -> str:
    """The template with ``bind`` (HAProxy's listening address) and one server line per replica.

    ``servers`` maps each replica's name to its address (host:port); the name
    is also its sticky cookie's value.
    """
    if not servers:
        raise ValueError("HAProxy needs at least one replica to send visitors to; got none")
    lines = "".join(f"    server {name} {address} cookie {name}\n" for name, address in servers.items())
    return Template(TEMPLATE.read_text()).substitute(bind=bind, servers=lines, cookie=STICKY_COOKIE,
                                                     page_cookie=PAGE_COOKIE)


def compose_file(replicas: int) -> str:
    """A compose file: ``replicas`` app services from the Dockerfile, HAProxy in front, one shared volume.

    The volume holds what every replica can reuse: the XLA compilation cache
    (programs another one compiled) and the pages' default models, saved by
    the first replica that trained them and loaded by the others. One service
    per replica, not compose's ``deploy.replicas``, so each has the fixed name
    its sticky cookie names.
    """
    services = "".join(f"""
  {replica_name(n)}:
    build: ..
    image: sequence-lab
    hostname: {replica_name(n)}
    command: [".venv/bin/python", "-m", "deploy.replica", "run", "app.py", "--server.address", "0.0.0.0",
              "--server.port", "{APP_PORT}"]
    environment:
      {REPLICA_VARIABLE}: {replica_name(n)}
      JAX_COMPILATION_CACHE_DIR: {XLA_CACHE}
      {DEFAULTS_VARIABLE}: {DEFAULTS}
    volumes:
      - shared:{SHARED}
    restart: unless-stopped
""" for n in range(1, replicas + 1))
    depends = "".join(f"\n      - {replica_name(n)}" for n in range(1, replicas + 1))
    return f"""# Rendered by `python -m deploy.config --replicas {replicas}`; edit deploy/config.py, not this file.
# Start: docker compose -f deploy/compose.yaml up --build   (the class opens http://<host>:{PUBLIC_PORT})
services:
  haproxy:
    image: haproxy:2.6
    ports:
      - "{PUBLIC_PORT}:{PUBLIC_PORT}"
    volumes:
      - ./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro
    depends_on:{depends}
    restart: unless-stopped
{services}
volumes:
  shared:
"""


def compose_haproxy_config(replicas: int) -> str:
    """HAProxy's configuration for the compose file: each replica by its service name."""
    return haproxy_config(f"*:{PUBLIC_PORT}",
                          {replica_name(n): f"{replica_name(n)}:{APP_PORT}" for n in range(1, replicas + 1)})


def write_compose(replicas: int) -> None:
    (HERE / "haproxy.cfg").write_text(compose_haproxy_config(replicas))
    (HERE / "compose.yaml").write_text(compose_file(replicas))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=COMPOSE_REPLICAS, help="how many app servers")
    write_compose(parser.parse_args().replicas)


if __name__ == "__main__":
    main()
