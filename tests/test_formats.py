"""A day with its weekday reads as each language writes it (config/formats, settings.FORMAT_MODULE_PATH):
English "Monday, 2026-11-30", Chinese "2026-11-30 星期一" (no ASCII comma); the templates ask for the named
format, never spell out one language's pattern."""
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

NAMES = ("WEEKDAY_DATE_FORMAT", "WEEKDAY_DATETIME_FORMAT")
MOMENT = datetime(2026, 11, 30, 8, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


def rendered(language: str, value, name: str) -> str:
    with translation.override(language):
        return Template("{{ value|date:name }}").render(Context({"value": value, "name": name}))


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
@pytest.mark.parametrize("name", NAMES)
def test_every_language_of_the_site_defines_the_weekday_formats(language, name):
    # a name no format module defines comes back as itself, and its letters would be read as a format
    assert formats.get_format(name, lang=language) != name


def test_english_puts_the_weekday_first_with_a_comma():
    assert rendered("en", date(2026, 11, 30), "WEEKDAY_DATE_FORMAT") == "Monday, 2026-11-30"
    assert rendered("en", MOMENT, "WEEKDAY_DATETIME_FORMAT") == "Monday, 2026-11-30 08:05"


def test_chinese_puts_the_weekday_after_the_date_without_an_ascii_comma():
    assert rendered("zh-hans", date(2026, 11, 30), "WEEKDAY_DATE_FORMAT") == "2026-11-30 星期一"
    assert rendered("zh-hans", MOMENT, "WEEKDAY_DATETIME_FORMAT") == "2026-11-30 星期一 08:05"


SPELLED_OUT = ('"l, Y-m-d', '"l Y-m-d', '"D Y-m-d', '"D, Y-m-d')


def test_no_template_spells_out_the_english_weekday_pattern():
    root = Path(settings.BASE_DIR)
    spelled = [str(path.relative_to(root)) for pattern in ("*/templates/**/*.html", "*/templates/**/*.txt")
               for path in root.glob(pattern) if ".venv" not in path.parts
               and any(pattern in path.read_text(encoding="utf-8") for pattern in SPELLED_OUT)]
    assert spelled == []
