"""Which replica this server is, and what its sidebar line and a moved visitor's message say.

Behind HAProxy (deploy/) several servers share one address. Each knows its
name from ``SEQUENCE_LAB_REPLICA``; HAProxy stamps the name of the replica that
served a page into the ``sequence_lab_page`` cookie. A page whose replica died
reconnects through HAProxy to another one, carrying the old name: the new
replica can tell its visitor what happened instead of silently showing an
empty session.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

REPLICA_VARIABLE = "SEQUENCE_LAB_REPLICA"
DEFAULTS_VARIABLE = "SEQUENCE_LAB_DEFAULTS_DIR"  # the default models the replicas share (core.default_store)
PAGE_COOKIE = "sequence_lab_page"


def this_replica() -> str:
    """This server's replica name, or "" on a server started alone."""
    return os.environ.get(REPLICA_VARIABLE, "").strip()


def queue_line(replica: str, running: int, waiting: int) -> str:
    """The sidebar's line on this server's admission queue (one per replica, as each has its own cores)."""
    server = f"Server **{replica}**" if replica else "This server"
    trainings = f"{running} training{'s' * (running != 1)} running"
    return f"{server}: {trainings}, {waiting} waiting in line."


def moved_from(cookies: Mapping[str, str], replica: str) -> str:
    """The replica that served this page before it reconnected here, or "" if it is this one (or unknown)."""
    served_by = cookies.get(PAGE_COOKIE, "")
    return served_by if replica and served_by and served_by != replica else ""


def moved_message(old: str, new: str) -> str:
    return (f"The server this page was on (**{old}**) stopped, and the page reconnected to **{new}**. Anything "
            "trained or uploaded there is gone, and a training that was running did not finish; your settings "
            "in the page are kept. Press **Train** to train again here.")
