"""axe-core (the engine behind Lighthouse's accessibility audit) run in the page, with named exclusions.

axe comes pinned inside the ``axe-playwright-python`` wheel (requirements-dev.txt), so the tests run offline.
What Streamlit itself renders and the project cannot change is excluded by rule *and* place, each with its
reason; everything else on the page must have no serious or critical violation.
"""

from __future__ import annotations

from dataclasses import dataclass

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page

from tests.browser.helpers import wait_until_drawn

BLOCKING = ("serious", "critical")


@dataclass(frozen=True)
class Exclusion:
    """One axe rule ignored inside one part of the page that Streamlit draws, and why."""

    rule: str
    within: str  # CSS selector of the Streamlit element
    why: str


EXCLUSIONS = (
    Exclusion("list", '[data-testid="stSidebarNavItems"]',
              "Streamlit's sectioned sidebar menu puts each section's <li>s in a <div> directly inside its <ul>, "
              "so the <ul> holds <div>s; screen readers still read every page link, by name, in order."),
    Exclusion("listitem", '[data-testid="stSidebarNavItems"]',
              "The same menu: its <li>s sit in a <div>, not directly in the <ul> (Streamlit's markup)."),
)

_RUN = """async ([exclusions, blocking]) => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  const excused = (rule, node) => exclusions.some(([r, within]) => r === rule
      && node.target.every(t => typeof t === 'string' && document.querySelector(t)?.closest(within)));
  return results.violations.filter(v => blocking.includes(v.impact)).map(v => ({
      rule: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.filter(n => !excused(v.id, n)).map(n => n.html.slice(0, 200))
  })).filter(v => v.nodes.length > 0);
}"""


def blocking_violations(page: Page) -> list[dict]:
    """Serious and critical axe violations on the page as it is now, the named exclusions left out.

    Axe reads the page once no element is still a loading placeholder: on a skeleton it would check nothing.
    """
    wait_until_drawn(page)
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate(_RUN, [[[e.rule, e.within] for e in EXCLUSIONS], list(BLOCKING)])
