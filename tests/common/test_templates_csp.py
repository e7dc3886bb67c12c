"""The Content-Security-Policy allows no inline code: no template of any app may carry any.

The header tests render a sample of pages; this reads every template the project ships, so a page no test
renders (a new app's, an error page, a mail-less corner) cannot bring inline code back either.
"""
import re
from pathlib import Path

from django.conf import settings

# What a policy without 'unsafe-inline' blocks: <script> with a body, <style>, style= and on…= attributes.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S|<style[\s>]|\sstyle\s*=|\son[a-z]+\s*=", re.IGNORECASE)


def project_templates() -> list[Path]:
    root = Path(settings.BASE_DIR)
    skip = {".venv", "var", "node_modules", ".git"}
    return [path for top in root.iterdir() if top.is_dir() and top.name not in skip
            for path in top.rglob("templates/**/*.html")]


def test_the_project_ships_templates():
    assert len(project_templates()) > 20


def test_no_template_carries_inline_code():
    offenders = [f"{path.relative_to(settings.BASE_DIR)}: {match.group(0).strip()}"
                 for path in project_templates()
                 for match in [INLINE.search(path.read_text(encoding="utf-8"))] if match]
    assert offenders == []
