"""The Simplified Chinese and English catalogues are complete, compiled, and used by the pages."""

import ast
import gettext as gnu_gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Choices
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from credentialing import enums

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CATALOGUES = {"zh_Hans": LOCALE_DIR / "zh_Hans/LC_MESSAGES/django.po", "en": LOCALE_DIR / "en/LC_MESSAGES/django.po"}
# %-placeholders (named or positional) and str.format fields; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False


def parse_po(path: Path) -> list[Entry]:
    """A minimal .po reader: enough for the files makemessages writes (no obsolete entries are kept)."""
    entries, entry, target = [], Entry(), None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if target is not None:
                entries.append(entry)
            entry, target = Entry(), None
        elif line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#:"):
            entry.references.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(entry, target, ast.literal_eval(line))
        else:
            keyword, _, quoted = line.partition(" ")
            target = keyword
            _append(entry, target, ast.literal_eval(quoted), start=True)
    return entries


def _append(entry: Entry, keyword: str, text: str, start: bool = False) -> None:
    if keyword.startswith("msgstr"):
        index = int(keyword[7:-1]) if "[" in keyword else 0
        entry.msgstrs[index] = ("" if start else entry.msgstrs[index]) + text
    else:
        setattr(entry, keyword, ("" if start else getattr(entry, keyword)) + text)


def messages(language: str) -> list[Entry]:
    return [entry for entry in parse_po(CATALOGUES[language]) if entry.msgid]


@pytest.fixture(scope="module", params=sorted(CATALOGUES))
def language(request) -> str:
    return request.param


def test_catalogue_has_the_project_strings(language):
    msgids = {entry.msgid for entry in messages(language)}
    assert len(msgids) > 300
    assert {"Approved", "Professional qualification", "Who can become a counselor"} <= msgids


def test_every_entry_is_translated_and_none_is_fuzzy(language):
    entries = messages(language)
    untranslated = [entry.msgid for entry in entries if not all(entry.msgstrs.values())]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    obsolete = [entry.msgid for entry in entries if entry.obsolete]
    assert (untranslated, fuzzy, obsolete) == ([], [], [])


def test_header_names_the_language_and_utf8(language):
    header = next(entry for entry in parse_po(CATALOGUES[language]) if entry.msgid == "")
    assert f"Language: {language}\n" in header.msgstrs[0]
    assert "charset=UTF-8" in header.msgstrs[0]
    assert "fuzzy" not in header.flags


def test_chinese_has_one_plural_form():
    plurals = [entry for entry in messages("zh_Hans") if entry.msgid_plural is not None]
    assert plurals
    assert all(sorted(entry.msgstrs) == [0] for entry in plurals)


def test_every_translation_keeps_the_placeholders(language):
    broken = []
    for entry in messages(language):
        for index, msgstr in entry.msgstrs.items():
            source = entry.msgid_plural if index > 0 or (entry.msgid_plural and language == "zh_Hans") else entry.msgid
            if sorted(PLACEHOLDER.findall(msgstr)) != sorted(PLACEHOLDER.findall(source)):
                broken.append((entry.msgid, msgstr))
    assert broken == []


def test_every_translation_keeps_leading_and_trailing_newlines(language):
    def edges(text: str) -> tuple[bool, bool]:
        return text.startswith("\n"), text.endswith("\n")

    assert [entry.msgid for entry in messages(language)
            if any(edges(msgstr) != edges(entry.msgid) for msgstr in entry.msgstrs.values())] == []


def test_chinese_translations_are_chinese():
    # English names of the two UI languages may stay as they are, and punctuation (a list separator) has no
    # letters to translate; everything else must be in Chinese.
    left_in_english = [entry.msgid for entry in messages("zh_Hans")
                       if entry.msgid != "English" and any(c.isalpha() for c in entry.msgid)
                       and not HAN.search(entry.msgstrs[0])]
    assert left_in_english == []


# An ASCII colon a Chinese text keeps: in a time (08:00, %(hour)02d:00, %(hour)s:00) and in an address (https://).
ASCII_COLON_KEPT = re.compile(r"(?:\d|%\(\w+\)\d*[sd]):\d\d|://")


def test_chinese_labels_use_the_full_width_colon():
    """Chinese punctuation is full-width: a label reads "时间：%(time)s", not "时间: %(time)s"."""
    ascii_colons = [(entry.msgid, msgstr) for entry in messages("zh_Hans") for msgstr in entry.msgstrs.values()
                    if ":" in ASCII_COLON_KEPT.sub("", msgstr)]
    assert ascii_colons == []


def test_a_form_label_ends_in_the_languages_own_colon():
    """Django ends every form label with gettext(":"), which its own Chinese catalogue leaves ASCII ("备注:")."""
    from django import forms
    from django.utils import translation

    class Note(forms.Form):
        note = forms.CharField(label="备注")

    with translation.override("zh-hans"):
        assert Note()["note"].label_tag() == '<label for="id_note">备注：</label>'
    with translation.override("en"):
        assert Note()["note"].label_tag() == '<label for="id_note">备注:</label>'


def test_compiled_catalogue_matches_its_source(language):
    """The .mo Django loads was compiled from the current .po (compilemessages was run after the last edit)."""
    with CATALOGUES[language].with_suffix(".mo").open("rb") as compiled:
        catalogue = gnu_gettext.GNUTranslations(compiled)
    stale = []
    for entry in messages(language):
        if entry.msgid_plural is None:
            found = catalogue.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else catalogue.gettext(entry.msgid)
            expected = entry.msgstrs[0]
        else:
            found, expected = catalogue.ngettext(entry.msgid, entry.msgid_plural, 1), entry.msgstrs[0]
        if found != expected:
            stale.append(entry.msgid)
    assert stale == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_msgfmt_accepts_the_catalogue(language, tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(CATALOGUES[language])],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


def test_key_strings_come_out_in_chinese():
    with translation.override("zh-hans"):
        assert gettext("Approved") == "已通过"
        assert str(enums.ApplicationState.APPROVED.label) == "已通过"
        assert str(enums.ApplicationState.CHANGES_REQUESTED.label) == "需要修改"
        assert [str(criterion.label) for criterion in enums.Criterion] == [
            "专业资质", "伦理培训", "创伤治疗、心理急救与危机干预培训", "个体咨询实践",
        ]
        assert str(enums.SpecialTopic.CRISIS.label) == "危机干预"
        assert str(enums.EvidenceCheck.VERIFIED.label) == "已核实"


def test_every_choice_label_is_translated():
    from credentialing import audit as credentialing_audit
    from people import audit as people_audit
    from people import enums as people_enums

    modules = (enums, people_enums, credentialing_audit, people_audit)
    choice_classes = [value for module in modules for value in vars(module).values()
                      if isinstance(value, type) and issubclass(value, Choices)
                      and value.__module__ == module.__name__]
    assert len(choice_classes) >= 10
    with translation.override("zh-hans"):
        untranslated = [f"{choices.__name__}.{member.name}" for choices in choice_classes for member in choices
                        if not HAN.search(str(member.label))]
    assert untranslated == []


def _template_msgids(*templates: str) -> list[str]:
    """Plain (placeholder-free, multi-word) messages the catalogue says come from these templates."""
    return [entry.msgid for entry in messages("zh_Hans")
            if entry.msgid_plural is None and "%(" not in entry.msgid and " " in entry.msgid
            and any(reference.split(":")[0].endswith(templates) for reference in entry.references)]


@pytest.mark.django_db
def test_landing_page_in_chinese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = response.content.decode()
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in page
    for chinese in ("成为志愿咨询师", "谁可以成为咨询师", "专业资质", "伦理培训", "危机干预", "心理咨询服务"):
        assert chinese in page
    english = _template_msgids("applicant/landing.html", "templates/base.html")
    assert len(english) > 10
    assert [msgid for msgid in english if msgid in page or escape(msgid) in page] == []


@pytest.mark.django_db
def test_landing_page_in_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.headers["Content-Language"] == "en"
    missing = [msgid for msgid in _template_msgids("applicant/landing.html")
               if msgid not in page and escape(msgid) not in page]
    assert missing == []
    assert "Crisis intervention" in page
    # The language switcher names Chinese in Chinese; the content itself must be all English.
    main = page[page.index("<main"):page.index("</main>")]
    assert not HAN.search(main)


@pytest.mark.django_db
def test_language_cookie_switches_the_landing_page(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "谁可以成为咨询师" in page
    assert "Who can become a counselor" not in page
