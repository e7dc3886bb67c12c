"""The apps depend downward only, the roster engine imports no Django, no app has an import cycle.

The contracts live in pyproject.toml; scripts/test runs lint-imports before pytest, and this test runs it too,
so a layering mistake fails wherever the suite runs.
"""
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_import_contracts_are_kept():
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


def test_a_lower_app_importing_an_upper_one_breaks_the_contract(tmp_path):
    """The contract can fail: a copy of the code where people imports credentialing is refused."""
    import shutil
    import tomllib

    packages = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
    for package in packages:
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.po"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    with open(tmp_path / "people" / "selectors.py", "a") as module:
        module.write("\nfrom credentialing.models import Application  # noqa\n")
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300, env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0
    assert "people.selectors -> credentialing.models" in result.stdout


def test_templates_link_downward_only_too():
    """A template of a lower app names no URL of an upper app (the import contract cannot see templates).
    The site-wide names (`home`, allauth's, the admin's, i18n's) belong to no app and are free to use."""
    import re
    import tomllib

    layers = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]["layers"]
    rank = {app: len(layers) - i for i, app in enumerate(layers)}  # common lowest
    pattern = re.compile(r"""\{%\s*url\s+['"](\w+):""")
    offences = []
    for app in layers:
        for template in (REPO / app / "templates").rglob("*"):
            if template.is_file():
                for namespace in pattern.findall(template.read_text(encoding="utf-8")):
                    if namespace in rank and rank[namespace] > rank[app]:
                        offences.append(f"{template.relative_to(REPO)} -> {namespace}")
    assert offences == []
