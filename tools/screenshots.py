#!/usr/bin/env python
"""Screenshots of the main pages in both languages, for people to look at.

Run against a running app with the demo data (scripts/demo in another terminal):
    .venv/bin/python tools/screenshots.py [--base http://127.0.0.1:8000] [--out var/screenshots]
Staff sign in with the demo TOTP secret, exactly as a person would.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

PASSWORD = "demo-password-2026"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
VIEWPORTS = (("desk", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844}))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


# Who signs in (nobody first), then which pages to take, in order.
JOURNEY = (
    (None, (("/", "01-landing"), ("/accounts/signup/", "02-signup"))),
    ("applicant@demo.example", (("/", "03-applicant-home"), ("/application/", "04-application"),
                                ("/application/evidence/ethicstraining/add/", "05-add-evidence"))),
    ("vetting@demo.example", (("/vetting/", "06-queue"), ("{review}", "07-review"),
                              ("/vetting/statistics/", "08-statistics"))),
    ("counselor@demo.example", (("/training/", "20-training-my-progress"),)),
    ("supervisor@demo.example", (("/training/", "21-training-trainer-overview"),
                                 ("{attendance}", "22-training-attendance"))),
    ("training@demo.example", (("/training/", "23-training-overview"), ("/training/sessions/", "24-training-sessions"),
                               ("/training/sessions/new/", "25-training-schedule"),
                               ("{session}", "26-training-session"),
                               ("/training/counselors/", "27-training-counselors"),
                               ("{trainee}", "28-training-counselor"),
                               ("/training/behind/", "29-training-behind"),
                               ("/training/reports/", "30-training-reports"),
                               ("/training/curriculum/", "31-training-curriculum"))),
    ("scheduler@demo.example", (("/roster/", "09-rosters"), ("{run}", "10-roster-run-heatmap"),
                                ("/roster/rules/", "11-roster-rules"), ("/roster/hours/", "12-roster-hours"))),
    ("counselor@demo.example", (("/shifts/", "13-my-shifts"), ("/availability/", "14-availability-grid"),
                                ("/supervision/on-duty/", "20-on-duty"), ("/supervision/groups/", "21-my-groups"),
                                ("/supervision/handover/", "22-handover"),
                                ("/supervision/individual/", "29-individual"),
                                ("/supervision/feedback/", "30-my-feedback"))),
    ("supervisor@demo.example", (("/supervision/escalations/", "23-escalations-supervisor"),
                                 ("{escalation}", "24-escalation"), ("/supervision/groups/", "25-groups-i-lead"))),
    ("coordinator@demo.example", (("/supervision/escalations/", "26-escalations-monitoring"),
                                  ("/supervision/groups/", "27-groups-planner"), ("{group}", "28-group-session"),
                                  ("{individual}", "31-individual-supervision"),
                                  ("/supervision/feedback/", "32-feedback"))),
)
# Pages reached through a list: placeholder -> (the list, the pattern of the first link to follow).
LINKED = {
    "{review}": ("/vetting/?state=in_review", r"^/vetting/\d+/$"),
    "{run}": ("/roster/", r"^/roster/runs/\d+/$"),
    "{attendance}": ("/training/", r"^/training/sessions/\d+/attendance/$"),
    "{session}": ("/training/sessions/", r"^/training/sessions/\d+/$"),
    "{escalation}": ("/supervision/escalations/", r"^/supervision/escalations/\d+/$"),
    "{group}": ("/supervision/groups/", r"^/supervision/groups/\d+/$"),
    "{individual}": ("/supervision/individual/", r"^/supervision/individual/\d+/$"),
    "{trainee}": ("/training/counselors/?state=in_training", r"^/training/counselors/\d+/$"),
}


def totp(secret: str) -> str:
    import base64
    import hashlib
    import hmac
    import struct

    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/logout/")
    if page.locator("form.allauth-form").count():
        page.locator("form.allauth-form button[type=submit]").first.click()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.allauth-form button[type=submit]").first.click()
    page.wait_for_load_state()
    for _attempt in range(3):
        if "/2fa/" not in page.url:
            return
        page.fill("input[name=code]", totp(DEMO_TOTP_SECRET))
        page.locator("form.allauth-form button[type=submit]").first.click()
        page.wait_for_load_state()
        if "/2fa/" in page.url:
            time.sleep(31 - time.time() % 30)  # a code works once: wait for the next one


def shoot(page: Page, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(path)


def first_link(page: Page, pattern: str) -> str | None:
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
        if re.search(pattern, href or ""):
            return href
    return None


def run(base: str, out: Path, only: str = "") -> None:
    out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for language in ("zh-hans", "en"):
            for device, viewport in VIEWPORTS:
                tag = f"{language}-{device}"
                context = browser.new_context(viewport=viewport)
                context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                page = context.new_page()
                for who, pages in JOURNEY:
                    pages = [(path, name) for path, name in pages if only in name]
                    if not pages:
                        continue
                    if who:
                        sign_in(page, base, who)
                    for path, name in pages:
                        if path in LINKED:
                            listing, pattern = LINKED[path]
                            page.goto(f"{base}{listing}")
                            path = first_link(page, pattern)
                            if not path:
                                continue
                        page.goto(f"{base}{path}")
                        shoot(page, out, f"{tag}-{name}")
                context.close()
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="var/screenshots", type=Path)
    parser.add_argument("--only", default="", help="only the pages whose name contains this (e.g. training)")
    arguments = parser.parse_args()
    run(arguments.base.rstrip("/"), arguments.out, arguments.only)
