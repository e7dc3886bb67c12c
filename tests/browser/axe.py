"""axe-core in the browser journeys: every page visited must pass WCAG 2.1 A and AA with zero violations.

The script comes from the pinned ``axe-playwright-python`` package (requirements.lock), so nothing is downloaded
at test time. It is added as an init script, which Chromium runs through the DevTools protocol: the page's strict
Content-Security-Policy stays on and is tested as it is.
"""
from __future__ import annotations

import os
from pathlib import Path

import axe_playwright_python
from playwright.sync_api import BrowserContext, Page

AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def add_axe(context: BrowserContext) -> BrowserContext:
    context.add_init_script(path=str(AXE_SCRIPT))
    return context


# axe-core no longer reports an id used twice (WCAG 2.2 made 4.1.1 Parsing obsolete), but a label whose field id is
# repeated names another form's field: checked here as a violation of its own.
REPEATED_IDS = """() => { const seen = new Set(), twice = new Set();
  document.querySelectorAll("[id]").forEach(e => { (seen.has(e.id) ? twice : seen).add(e.id); });
  return [...twice]; }"""


def violations(page: Page) -> list[dict]:
    page.wait_for_load_state("load")
    repeated = page.evaluate(REPEATED_IDS)
    return ([{"id": "repeated-id", "help": "Every id is used once (a label names one field)",
              "nodes": [f"#{name}" for name in repeated]}] if repeated else []) + page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))",
        WCAG_21_AA,
    )


class AxeAudit:
    """Checks a page and remembers which addresses were checked, so a journey can prove it missed none."""

    def __init__(self):
        self.checked: set[str] = set()
        self.visited: set[str] = set()

    def watch(self, page: Page) -> Page:
        page.on("load", lambda loaded: self.visited.add(_path(loaded.url)))
        return page

    def __call__(self, page: Page) -> None:
        found = violations(page)
        self.checked.add(_path(page.url))
        if os.environ.get("AXE_REPORT_ONLY"):  # while fixing: list every page's violations, fail nothing
            print(page.url, [(v["id"], v["nodes"]) for v in found])
            return
        assert not found, f"axe-core found WCAG 2.1 AA violations on {page.url}:\n" + "\n".join(
            f"- {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in found)

    def has_checked(self, page: Page) -> bool:
        return _path(page.url) in self.checked

    def assert_every_page_checked(self) -> None:
        missed = self.visited - self.checked
        assert not missed, f"pages the journey visited but axe-core did not check: {sorted(missed)}"


def _path(url: str) -> str:
    return url.split("#", 1)[0]
