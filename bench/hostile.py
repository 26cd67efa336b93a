"""Hostile uploads: seconds and peak memory from a file's bytes to its message, each in a fresh process.

    .venv/bin/python -m bench.hostile

Every file of the hostile catalogue (tests/hostile_files.py) goes through the
core reader its page calls (``video.gif_to_clip``, ``forecasting.read_table``,
``text.read_documents``, ``settings_io.read_settings_file``, …), then every
file at the limits, which is read: the most work an accepted file can ask for.
Each runs in a process of its own, so each peak is that file's: the process
imports the readers (and with them Keras, as a server has), reads the bytes
from disk, then resets the kernel's peak-memory mark (``/proc/self/clear_refs``)
and records its resident memory as idle; the peak is the high-water mark above
that. Wall seconds suffer from other processes on the machine; CPU seconds
(this process's user + system time) much less: both are printed with the load
average. Targets (issue 25): under 2 s and 200 MB above idle for every file.
Writes its section of bench/RESULTS.md ("## Hostile uploads").
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from pathlib import Path

from bench.results import measured_on, write
from bench.worker import run_fresh

TIMEOUT_S = 120


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS now, VmHWM its peak), in MB."""
    return int(re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M).group(1)) / 1024


def worker(name: str, path: str) -> dict:
    """In this (fresh) process: read the file ``path`` with the reader of case ``name``; time, peak, message."""
    import gc

    from tests.hostile_files import AT_THE_LIMITS, HOSTILE_FILES

    case = next(case for case in (*HOSTILE_FILES, *AT_THE_LIMITS) if case.name == name)
    data = Path(path).read_bytes()
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # the peak resident mark starts again from now
    idle_mb = _status_mb("VmRSS")
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    try:
        case.read(data, f"'{case.name}'")
        message = None
    except ValueError as err:
        message = str(err)
    except Exception as err:  # what a page would not catch is what this table must show
        message = f"raised {type(err).__name__}, not ValueError: the page shows a traceback ({err})"[:160]
    return {"wall_s": time.perf_counter() - started_wall, "cpu_s": time.process_time() - started_cpu,
            "idle_mb": idle_mb, "peak_mb": _status_mb("VmHWM") - idle_mb, "message": message}


def measure(case) -> dict:
    """Make the case's file here, then read it in a fresh process."""
    with tempfile.NamedTemporaryFile(suffix=case.name) as file:
        data = case.make()
        file.write(data)
        file.flush()
        script = ("import json, sys; from bench.hostile import worker; "
                  "print(json.dumps(worker(sys.argv[1], sys.argv[2])))")
        try:
            found = run_fresh(script, case.name, file.name, timeout_s=TIMEOUT_S)
        except TimeoutError:
            found = {"wall_s": float("inf"), "cpu_s": float("nan"), "idle_mb": float("nan"),
                     "peak_mb": float("nan"), "message": f"(no answer within {TIMEOUT_S} s)"}
    return {**found, "size_kb": len(data) / 1024}


def row(case, found: dict) -> str:
    """One line of the table; the message is cut to its first sentence."""
    said = "read (accepted)" if found["message"] is None else found["message"].split(". ")[0] + "."
    if case.message is not None and case.message not in (found["message"] or ""):
        said += " **(not the expected message)**"
    within = "yes" if found["wall_s"] < 2 and found["peak_mb"] < 200 else "**no**"
    return (f"| {case.name} | {case.what} | {found['size_kb']:,.0f} KB | {said} | {found['wall_s']:.3f} "
            f"| {found['cpu_s']:.3f} | {found['peak_mb']:.0f} | {within} |")


def report(rows: list[str], idle: list[float], load: tuple[float, float]) -> list[str]:
    return ["## Hostile uploads: bytes to message", "",
            f"{measured_on()} Command: `.venv/bin/python -m bench.hostile`. Each file read by its page's core "
            "reader in a fresh "
            f"process (idle resident memory after importing the readers: {min(idle):.0f}–{max(idle):.0f} MB); "
            f"peak = resident high-water mark above idle. Load average {load[0]:.1f} at the start, {load[1]:.1f} "
            "at the end (2 cores): wall seconds include waiting for the CPU, CPU seconds do not. "
            "Target: under 2 s and 200 MB above idle.", "",
            "| file | what it is | size | message | wall s | CPU s | peak MB above idle | within target |",
            "|---|---|---|---|---|---|---|---|", *rows, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="file names to measure (default: all)")
    only = parser.parse_args().only
    from tests.hostile_files import AT_THE_LIMITS, HOSTILE_FILES

    load_start = os.getloadavg()[0]
    rows, idle = [], []
    for case in (*HOSTILE_FILES, *AT_THE_LIMITS):
        if only and case.name not in only:
            continue
        found = measure(case)
        rows.append(row(case, found))
        idle.append(found["idle_mb"])
        print(rows[-1], flush=True)
    lines = report(rows, idle, (load_start, os.getloadavg()[0]))
    print("\n".join(lines))
    if not only:
        write(lines, "## Hostile")


if __name__ == "__main__":
    main()
