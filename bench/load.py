"""Load test: several visitors on one server at once, each pressing Train, then one closing mid-training.

    .venv/bin/python -m bench.load --sessions 8 --own-rounds 5

One server on a free loopback port (the command line of scripts/run.sh) and
one Chromium with a browser context per visitor, all driven at once, in
rounds on the connection-types page:

* defaults: every visitor keeps the default settings, so the first to ask
  trains the server's shared default model and the others wait for it;
* own settings, several rounds: each visitor opens a link with a seed of their
  own (new seeds each round), so each trains a model of their own and the
  trainings queue for the server's slots; between rounds every visitor leaves.

Per round: completions, errors (an exception on the page, or no result within
``VISITOR_LIMIT_S``), models kept (each visitor's sidebar lists one), p50/p95
seconds from opening the page to seeing the result (most of it is eight
Chromium pages loading on the server's cores) and from pressing Train to the
result (the queue and the training), and the server's peak
resident memory. Then every visitor closes, and the server's memory is read
again once Streamlit has dropped their sessions (``server.disconnectedSessionTTL``).

Kill round: a visitor starts a long training and closes the browser at its
first epoch; then the server's CPU use over the next seconds says whether the
training went on without anyone to see it.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field

from playwright.async_api import Browser, async_playwright

from bench import results
from bench.engines import resident_mb
from tests.browser.conftest import CHROMIUM, cpu_seconds, free_port, start_server, wait_until_healthy
from tests.browser.helpers import LONG_TRAINING, LONG_TRAINING_EPOCH

VISITOR_LIMIT_S = 300
SESSION_TTL_S = 10  # the server is started with this disconnected-session lifetime, so the bench sees release
ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")
ERROR_LINE = re.compile(r"^(\w+(?:Error|Exception): .*)$", re.M)
RESULT = "[data-testid=stMetric]:has-text('Held-out')"
TRAINED = "[data-testid=stSidebar] >> text=/Trained models \\(1 of/"


@dataclass
class Round:
    name: str
    seconds: list[float] = field(default_factory=list)
    after_train: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    kept: int = 0
    peak_mb: float = 0.0


class MemoryWatch:
    """Samples a process's resident memory every 0.2 s in a thread; ``peak_mb`` is the highest seen."""

    def __init__(self, pid: int):
        self.pid, self.peak_mb, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_mb = max(self.peak_mb, resident_mb(self.pid))


async def visit(browser: Browser, url: str, result: Round, context_holder: list) -> None:
    """One visitor: open the page, press Train unless the result is there already, wait for the result."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context_holder.append(context)
    page = await context.new_page()
    started = time.perf_counter()
    try:
        await page.goto(url)
        train = page.get_by_role("button", name="Train", exact=True)
        await train.or_(page.locator(RESULT)).first.wait_for(timeout=VISITOR_LIMIT_S * 1000)
        pressed = None
        if await train.count():  # not the shared default already on the page
            await train.click()
            pressed = time.perf_counter()
        await page.locator(RESULT).first.wait_for(state="visible", timeout=VISITOR_LIMIT_S * 1000)
        result.seconds.append(time.perf_counter() - started)
        if pressed is not None:
            result.after_train.append(time.perf_counter() - pressed)
        await page.locator(TRAINED).first.wait_for(state="visible", timeout=30_000)
        result.kept += 1
    except Exception as err:  # a load test counts every kind of failure
        result.errors.append(f"{type(err).__name__}: {str(err).splitlines()[0][:100]}")
    if await page.locator("[data-testid=stException]").count():
        result.errors.append("exception shown on the page")


async def load_round(browser: Browser, urls: list[str], name: str, pid: int) -> tuple[Round, list]:
    result, contexts = Round(name), []
    with MemoryWatch(pid) as watch:
        await asyncio.gather(*(visit(browser, url, result, contexts) for url in urls))
    result.peak_mb = watch.peak_mb
    return result, contexts


async def kill_round(browser: Browser, url: str, pid: int) -> dict[str, float]:
    """A visitor starts a long training (many epochs) and closes the browser at its first epoch."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{url}?{LONG_TRAINING}&seed=7")
    await page.get_by_role("button", name="Train", exact=True).click()
    await page.get_by_text(LONG_TRAINING_EPOCH).wait_for(timeout=120_000)
    training = cpu_seconds(pid)
    await asyncio.sleep(2)
    training = (cpu_seconds(pid) - training) / 2
    await context.close()
    await asyncio.sleep(3)  # the next epoch end (the training's next chance to hear of the close)
    before = cpu_seconds(pid)
    await asyncio.sleep(5)
    return {"training": training, "after close": (cpu_seconds(pid) - before) / 5}


def spread(values: list[float]) -> str:
    """'p50 / p95' of ``values``, or a dash when there are none."""
    return f"{statistics.median(values):.1f} / {percentile(values, 0.95):.1f}" if values else "–"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def server_errors(log: str) -> list[str]:
    """The last line of each traceback the server logged (visitors see none: ``showErrorDetails`` is off)."""
    return [line[:150] for line in ERROR_LINE.findall(ANSI_CODE.sub("", log))]


async def run(sessions: int, own_rounds: int) -> list[str]:
    with tempfile.TemporaryFile("w+") as log:
        lines = await run_logged(sessions, own_rounds, log)
        log.seek(0)
        logged = server_errors(log.read())
    return [*lines, *(["Server log: " + "; ".join(logged), ""] if logged else [])]


async def run_logged(sessions: int, own_rounds: int, log) -> list[str]:
    port = free_port()
    server = start_server(port, options=("--server.disconnectedSessionTTL", str(SESSION_TTL_S)), log=log)
    url = f"http://127.0.0.1:{port}/connections"
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", server, 60)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            start_mb = resident_mb(server.pid)
            rounds, after = [], []
            visits = [("defaults", [url] * sessions)]
            visits += [(f"own settings {n + 1}", [f"{url}?seed={100 + n * sessions + i}" for i in range(sessions)])
                       for n in range(own_rounds)]
            for name, urls in visits:
                result, contexts = await load_round(browser, urls, name, server.pid)
                for context in contexts:
                    await context.close()
                await asyncio.sleep(SESSION_TTL_S + 5)
                rounds.append(result)
                after.append(resident_mb(server.pid))
            killed = await kill_round(browser, url, server.pid)
            await browser.close()
        return report(sessions, own_rounds, start_mb, rounds, after, killed)
    finally:
        server.terminate()
        server.wait(timeout=30)


def report(sessions: int, own_rounds: int, start_mb: float, rounds: list[Round], after: list[float],
           killed: dict) -> list[str]:
    lines = [f"## Load: {sessions} visitors at once on one server (connection types page)", "",
             f"{results.measured_on()} "
             f"Command: `.venv/bin/python -m bench.load --sessions {sessions} --own-rounds {own_rounds}`. One "
             "Chromium, a context per visitor, all on this machine's loopback (the browsers share the 2 cores with "
             "the server). Time to result: from opening the page to seeing the held-out score (mostly the "
             f"{sessions} pages loading); from Train: from pressing Train to the score (the queue and the "
             "training; none pressed where the shared default was shown). Memory: the server process's resident "
             f"size, sampled every 0.2 s; \"after\" is {SESSION_TTL_S + 5} s after every visitor of the round "
             f"closed (sessions are dropped {SESSION_TTL_S} s after their browser goes; Streamlit's default is "
             "120 s).", "",
             "| round | completed | errors | models kept | time to result p50 / p95 s | from Train p50 / p95 s "
             "| peak MB | after MB |",
             "|---|---|---|---|---|---|---|---|"]
    for result, mb in zip(rounds, after, strict=True):
        lines.append(f"| {result.name} | {len(result.seconds)} of {sessions} | {len(result.errors)} | "
                     f"{result.kept} | {spread(result.seconds)} | {spread(result.after_train)} | "
                     f"{result.peak_mb:.0f} | {mb:.0f} |")
    errors = [f"- {r.name}: {e}" for r in rounds for e in r.errors]
    return [*lines, "", f"Server at start: {start_mb:.0f} MB.", *(["", "Errors:", *errors] if errors else []), "",
            f"Kill: a visitor started a 100-epoch training and closed the browser at its first epochs; from 3 to 8 s "
            f"after, the server used {killed['after close']:.0%} of one core (while it trained: "
            f"{killed['training']:.0%}).", ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=8, help="visitors at once")
    parser.add_argument("--own-rounds", type=int, default=5, help="rounds of visitors each training their own model")
    args = parser.parse_args()
    lines = asyncio.run(run(args.sessions, args.own_rounds))
    results.write(lines, owns="## Load")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
