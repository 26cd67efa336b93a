"""Load test through HAProxy: visitors spread over replicas, sticky reruns, a replica killed mid-run, cold starts.

    .venv/bin/python -m bench.replicas --visitors 16

Debian's HAProxy in front of app processes on loopback ports (deploy/local.py,
the configuration of deploy/compose.yaml), one Chromium with a browser
context per visitor, on the connection-types page, each visitor with a seed
of their own (so each trains a model of their own):

* one replica, then two: every visitor presses Train; time from Train to the
  result per visitor, trainings per minute (visitors over the span from the
  first press to the last result), each replica's peak resident memory; with
  two, each visitor then reruns its page twice (home and back) and must still
  find its model in its sidebar, on the same replica;
* two replicas, one killed (SIGKILL) once a quarter of the round's results are
  in: its visitors must see the page's message, press Train again and get
  their model on the other replica; the other's visitors must notice nothing;
* cold start: a new deployment with an empty XLA cache, and one visitor
  arriving as soon as HAProxy answers, keeping the defaults; seconds from
  opening the page to the result, without and with the replicas' warm-up.

With ``--startup``, only a cold start with warm-up, twice on one new
directory of saved defaults (core.default_store): the first start trains each
default and saves it, the second loads them.

With ``--capacity``, each page's default model is trained in this process (a second time,
after a first that compiles) for its CPU seconds: trainings per core-minute.

Every process logs to one file; the tracebacks in it are counted.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

from bench import results
from bench.load import MemoryWatch, server_errors, spread
from core.replicas import DEFAULTS_VARIABLE, moved_message
from deploy.local import LocalDeployment
from deploy.replica import WARM_LIMIT_S
from tests.browser.conftest import CHROMIUM

VISITOR_LIMIT_S = 400
RESULT = "[data-testid=stMetric]:has-text('Held-out')"
TRAINED = "[data-testid=stSidebar] >> text=/Trained models \\(1 of/"
SERVER_LINE = re.compile(r"Server (replica-\d+):")
MOVED = moved_message("OLD", "NEW").split("(**OLD**)")[1].split("**NEW**")[0].strip()  # "stopped, and the page …"
CLASS_SIZES = (30, 300, 3000)


@dataclass
class Visitor:
    seed: int
    replica: str = ""
    pressed: float = 0.0
    done: float = 0.0
    moved: bool = False
    stayed: bool = False
    error: str = ""


@dataclass
class Round:
    name: str
    visitors: list[Visitor]
    peak_mb: dict[str, float] = field(default_factory=dict)
    killed: str = ""

    def finished(self) -> list[Visitor]:
        return [v for v in self.visitors if v.done and not v.error]

    def per_minute(self) -> float:
        done = self.finished()
        span = max(v.done for v in done) - min(v.pressed for v in self.visitors if v.pressed) if done else 0
        return len(done) / span * 60 if span else float("nan")


async def replica_of(page: Page) -> str:
    line = page.locator("[data-testid=stSidebar]").get_by_text(SERVER_LINE)
    await line.wait_for(timeout=VISITOR_LIMIT_S * 1000)
    return SERVER_LINE.search(await line.inner_text()).group(1)


async def train_until_result(page: Page, visitor: Visitor) -> None:
    """Press Train and wait for the result; if the page's replica dies meanwhile, press Train again there."""
    train = page.get_by_role("button", name="Train", exact=True)
    await train.wait_for(timeout=VISITOR_LIMIT_S * 1000)
    await train.click()
    visitor.pressed = visitor.pressed or time.perf_counter()
    moved = page.get_by_text(MOVED)
    await page.locator(RESULT).or_(moved).first.wait_for(timeout=VISITOR_LIMIT_S * 1000)
    if await moved.count() and not await page.locator(RESULT).count():
        visitor.moved, visitor.replica = True, await replica_of(page)
        await train.wait_for(timeout=VISITOR_LIMIT_S * 1000)
        await train.click()
        await page.locator(RESULT).first.wait_for(timeout=VISITOR_LIMIT_S * 1000)
    visitor.done = time.perf_counter()


async def rerun_twice(page: Page, visitor: Visitor) -> None:
    """Home and back (two reruns of the same session): the model must still be in the sidebar, same replica."""
    pages = page.locator("[data-testid=stSidebarNav]")  # the navigation, not the guide's links
    for link in ("Home", "Connection types"):
        await pages.get_by_role("link", name=link).click()
        await page.wait_for_timeout(500)
    await page.locator(RESULT).first.wait_for(timeout=VISITOR_LIMIT_S * 1000)
    visitor.stayed = await page.locator(TRAINED).count() == 1 and await replica_of(page) == visitor.replica


async def visit(browser: Browser, url: str, visitor: Visitor, rerun: bool) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(VISITOR_LIMIT_S * 1000)  # 16 pages loading on 2 cores
    try:
        await page.goto(f"{url}/connections?seed={visitor.seed}")
        visitor.replica = await replica_of(page)
        await train_until_result(page, visitor)
        if rerun:
            await rerun_twice(page, visitor)
    except Exception as err:  # a load test counts every kind of failure
        visitor.error = f"{type(err).__name__}: {str(err).splitlines()[0][:100]}"
    if not visitor.error and await page.locator("[data-testid=stException]").count():
        visitor.error = "exception shown on the page"
    await context.close()


async def kill_when_a_quarter_is_done(deployment: LocalDeployment, visitors: list[Visitor], name: str,
                                     watch: MemoryWatch) -> None:
    while sum(1 for v in visitors if v.done) < len(visitors) / 4:
        await asyncio.sleep(0.2)
    watch.__exit__()  # its memory was last read alive
    deployment.kill(name)


async def load_round(browser: Browser, deployment: LocalDeployment, name: str, seeds: range, rerun: bool = False,
                     kill: str = "") -> Round:
    result = Round(name, [Visitor(seed) for seed in seeds], killed=kill)
    watches = {replica: MemoryWatch(process.pid) for replica, process in deployment.servers.items()}
    for watch in watches.values():
        watch.__enter__()
    killer = [kill_when_a_quarter_is_done(deployment, result.visitors, kill, watches[kill])] if kill else []
    await asyncio.gather(*(visit(browser, deployment.url, v, rerun) for v in result.visitors), *killer)
    for replica, watch in watches.items():
        if replica != kill:
            watch.__exit__()
        result.peak_mb[replica] = watch.peak_mb
    return result


async def cold_start_wait(browser: Browser, warm: bool, log, defaults: str = "") -> tuple[float, float]:
    """Seconds from starting a new deployment until HAProxy answers, and from then opening the default page
    to its result (a visitor arriving as soon as the deployment answers).

    ``defaults`` is the directory of saved default models the replica shares
    (core.default_store); "" for none. Before it stops, the deployment
    finishes saving every default there (a warm-up cut at its limit goes on
    in the background), so the next start finds all of them.
    """
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as xla, \
            LocalDeployment(1, env={"JAX_COMPILATION_CACHE_DIR": xla, DEFAULTS_VARIABLE: defaults}, log=log,
                            warm=warm) as deployment:
        ready = time.perf_counter() - started
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        started = time.perf_counter()
        await page.goto(f"{deployment.url}/connections")
        train = page.get_by_role("button", name="Train", exact=True)
        await train.or_(page.locator(RESULT)).first.wait_for(timeout=VISITOR_LIMIT_S * 1000)
        if await train.count():
            await train.click()
        await page.locator(RESULT).first.wait_for(timeout=VISITOR_LIMIT_S * 1000)
        waited = time.perf_counter() - started
        await context.close()
        if defaults:
            await all_saved(defaults)
    return ready, waited


async def all_saved(directory: str) -> None:
    """Wait until core.default_store has finished writing every page's default in ``directory``."""
    from core.warmup import JOBS  # here only: the browser rounds' process needs no Keras

    deadline = time.monotonic() + VISITOR_LIMIT_S
    while len([path for path in Path(directory).iterdir() if not path.name.startswith(".")]) < len(JOBS):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the replica saved {len(list(Path(directory).iterdir()))} of {len(JOBS)} defaults")
        await asyncio.sleep(1)


async def browser_rounds(visitors: int, log) -> tuple[list[Round], dict[str, tuple[float, float]]]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        rounds = []
        with LocalDeployment(1, log=log, warm=False) as one:
            rounds.append(await load_round(browser, one, "1 replica", range(1000, 1000 + visitors)))
        with LocalDeployment(2, log=log, warm=False) as two:
            rounds.append(await load_round(browser, two, "2 replicas, reruns checked",
                                           range(2000, 2000 + visitors), rerun=True))
            rounds.append(await load_round(browser, two, "2 replicas, replica-1 killed",
                                           range(3000, 3000 + visitors), kill="replica-1"))
        cold = {"without warm-up": await cold_start_wait(browser, False, log),
                "with warm-up": await cold_start_wait(browser, True, log)}
        await browser.close()
    return rounds, cold


async def startups_with_saved_defaults() -> dict[str, tuple[float, float, str]]:
    """The cold start with warm-up twice on one directory of saved defaults: empty (each default trained and
    saved), then filled (each loaded). Per start: its two waits (cold_start_wait) and its processes' log."""
    starts = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        with tempfile.TemporaryDirectory() as defaults:
            for name in ("trained and saved (empty directory)", "loaded from disk (filled directory)"):
                with tempfile.TemporaryFile("w+") as log:
                    ready, waited = await cold_start_wait(browser, True, log, defaults)
                    log.seek(0)
                    starts[name] = (ready, waited, log.read())
        await browser.close()
    return starts


def cpu_per_default_training() -> dict[str, tuple[float, float]]:
    """Each page's default model: (CPU seconds, wall seconds) of a training after a first one that compiled."""
    from core.warmup import default_jobs

    costs = {}
    for job in default_jobs():
        job.run(None)
        cpu, wall = time.process_time(), time.perf_counter()
        job.run(None)
        costs[job.page] = (time.process_time() - cpu, time.perf_counter() - wall)
    return costs


def count(visitors: list[Visitor], test) -> int:
    return sum(1 for v in visitors if test(v))


def round_rows(rounds: list[Round]) -> list[str]:
    rows = ["| round | models | errors | p50 / p95 s from Train | trainings per minute | peak MB per replica "
            "| reruns on own replica | moved after the kill: recovered | others disturbed |",
            "|---|---|---|---|---|---|---|---|---|"]
    for r in rounds:
        seconds = [v.done - v.pressed for v in r.finished()]
        peaks = ", ".join(f"{name} {mb:.0f}" for name, mb in r.peak_mb.items())
        reruns = f"{count(r.visitors, lambda v: v.stayed)} of {len(r.visitors)}" if "reruns" in r.name else "–"
        moved = [v for v in r.visitors if v.moved]
        recovered = f"{count(moved, lambda v: v.done and not v.error)} of {len(moved)}" if r.killed else "–"
        disturbed = (f"{count(r.visitors, lambda v: not v.moved and (v.error or not v.done))}" if r.killed else "–")
        rows.append(f"| {r.name} | {len(r.finished())} of {len(r.visitors)} | {count(r.visitors, lambda v: v.error)} "
                    f"| {spread(seconds)} | {r.per_minute():.1f} | {peaks} | {reruns} | {recovered} | {disturbed} |")
    return rows


def replicas_section(visitors: int, rounds: list[Round], cold: dict[str, tuple[float, float]],
                     tracebacks: list[str]) -> list[str]:
    errors = [f"- {r.name}, seed {v.seed}: {v.error}" for r in rounds for v in r.visitors if v.error]
    return [f"## Replicas behind HAProxy: {visitors} visitors, 1 and 2 replicas, one killed (issue 24)", "",
            f"{results.measured_on()} Command: `.venv/bin/python -m bench.replicas --visitors {visitors}`. Debian's "
            "HAProxy 2.6 in front of Streamlit processes on loopback (deploy/local.py, the configuration of "
            "deploy/compose.yaml); one Chromium with a context per visitor, all on this machine: the browsers, "
            "HAProxy and every replica share its 2 cores, and other jobs were running on the machine too, so "
            "the times are pessimistic and 2 replicas cannot show a second machine's gain here. Connection types "
            "page, each visitor with a seed of their own (each trains a model of their own, ~0.5 s warm alone). "
            "Trainings per minute: results over the span from the first Train press to the last result. The kill "
            "is SIGKILL of replica-1 once a quarter of the round's results were in; a moved visitor is one whose "
            "page reconnected to replica-2 and said so; it then pressed Train again.", "",
            *round_rows(rounds), "",
            "First visitor after a cold start (an empty XLA cache, one replica; the visitor opens the default page "
            "as soon as HAProxy answers and keeps the defaults): "
            + "; ".join(f"{name}, HAProxy answered after {ready:.1f} s and the visitor waited {waited:.1f} s from "
                        "opening the page to the result" for name, (ready, waited) in cold.items())
            + ". A warm replica listens only once every page's default is trained (deploy/replica.py).", "",
            f"Tracebacks in the replicas' and HAProxy's logs: {len(tracebacks)}"
            + (": " + "; ".join(tracebacks) if tracebacks else "."), *(["", "Errors:", *errors] if errors else []), ""]


def startup_section(starts: dict[str, tuple[float, float, str]]) -> list[str]:
    """A replica's start with its defaults trained, then loaded from the directory the replicas share."""
    lines = ["## Replicas starting: the default models trained, or loaded from disk (issue 24)", "",
             f"{results.measured_on()} Command: `.venv/bin/python -m bench.replicas --startup`. One warm replica "
             "behind HAProxy (deploy/local.py), started twice with the same new directory of saved defaults "
             f"(`{DEFAULTS_VARIABLE}`, as compose's shared volume) and each time an empty XLA cache: the first start "
             "trains every page's default and saves it, the second loads them (core.default_store). A replica "
             f"listens once its defaults are ready or after {WARM_LIMIT_S:.0f} s (the rest then goes on in the "
             "background); one visitor opens the connection-types page as soon as HAProxy answers and keeps the "
             "defaults. Other jobs were running on the machine's 2 cores.", "",
             "| defaults | start to HAProxy answering, s | first visitor, page to result, s |", "|---|---|---|"]
    lines += [f"| {name} | {ready:.1f} | {waited:.1f} |" for name, (ready, waited, _) in starts.items()]
    for name, (_, _, log) in starts.items():
        readied = re.findall(r"Warm-up: (.+? after [\d.]+ s(?: \(.+?\))?)", log)
        lines += ["", f"Warm-up log, {name}: " + "; ".join(readied) + "."]
    tracebacks = [error for _, _, log in starts.values() for error in server_errors(log)]
    return [*lines, "", f"Tracebacks in the replica's and HAProxy's logs: {len(tracebacks)}.", ""]


def capacity_section(costs: dict[str, tuple[float, float]]) -> list[str]:
    """Trainings per core-minute per page, and what a class pressing Train within one minute needs."""
    lines = ["## Capacity: trainings per core-minute, and a class pressing Train within a minute", "",
             f"{results.measured_on()} Command: `.venv/bin/python -m bench.replicas --capacity`. Each page's default "
             "model trained in one process through core.warmup (the replicas' warm-up jobs), once to compile, then "
             "once measured: CPU seconds (user + system of the process) and wall seconds, with other jobs on the "
             "machine. Cores busy = CPU / wall. Per core-minute = 60 / CPU seconds.", "",
             "| page | CPU s | wall s | cores busy | trainings per core-minute |", "|---|---|---|---|---|"]
    for page, (cpu, wall) in costs.items():
        lines.append(f"| {page} | {cpu:.1f} | {wall:.1f} | {cpu / wall:.1f} | {60 / cpu:.1f} |")
    lines += ["", "A class where every visitor trains a model of their own, of a page's default size, within one "
              "minute: cores = visitors × CPU s / 60, rounded up, and one replica per core (a replica trains one "
              "model at a time, and with a core to itself takes about its CPU seconds; the wall seconds above are "
              "longer because other jobs shared the cores). Memory: a replica's peak in the section above, per "
              "replica. Visitors who keep the defaults cost nothing: each replica trained them at "
              "start.", "",
              "| page | " + " | ".join(f"{n:,} visitors: replicas = cores" for n in CLASS_SIZES) + " |",
              "|---|" + "---|" * len(CLASS_SIZES)]
    for page, (cpu, _) in costs.items():
        lines.append(f"| {page} | " + " | ".join(f"{math.ceil(n * cpu / 60)}" for n in CLASS_SIZES) + " |")
    return [*lines, ""]


async def run_browser_part(visitors: int) -> list[str]:
    with tempfile.TemporaryFile("w+") as log:
        rounds, cold = await browser_rounds(visitors, log)
        log.seek(0)
        tracebacks = server_errors(log.read())
    return replicas_section(visitors, rounds, cold, tracebacks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visitors", type=int, default=16, help="visitors at once in each round")
    parser.add_argument("--capacity", action="store_true", help="only the trainings per core-minute")
    parser.add_argument("--startup", action="store_true",
                        help="only a replica's start with its default models trained, then loaded from disk")
    args = parser.parse_args()
    if args.capacity:
        lines = capacity_section(cpu_per_default_training())
        results.write(lines, owns="## Capacity")
    elif args.startup:
        lines = startup_section(asyncio.run(startups_with_saved_defaults()))
        results.write(lines, owns="## Replicas starting")
    else:
        lines = asyncio.run(run_browser_part(args.visitors))
        results.write(lines, owns="## Replicas")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
