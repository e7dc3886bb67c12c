"""Spreadsheet formats for the admin's import and export, safe against formula injection.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or their full-width forms) is
run as a formula by Excel, LibreOffice and WPS: a name like ``=HYPERLINK("http://…")`` would become a live link
in the reviewer's spreadsheet. Every such text cell is exported with a leading apostrophe, which spreadsheets
show as plain text, and the import removes that apostrophe again, so an exported file imports unchanged.

(django-import-export's ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` only drops one leading ``=``: ``==1+1``
stays a formula and ``+``, ``-``, ``@`` are left alone; hence these formats.)
Only formats that can import are offered for import: CSV and Excel workbooks.
"""
from __future__ import annotations

import tablib
from import_export.formats.base_formats import CSV, XLSX

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
ESCAPE = "'"


def _runs_as_formula(text: str) -> bool:
    """True for text a spreadsheet would run, or text that only looks escaped (so escaping can be undone)."""
    text = text.lstrip(ESCAPE)
    return text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def escape_formula(value):
    """The value as a spreadsheet must show it: text that would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and _runs_as_formula(value):
        return ESCAPE + value
    return value


def unescape_formula(text: str) -> str:
    """Undo ``escape_formula`` on an imported cell: ``unescape_formula(escape_formula(text)) == text``."""
    if text.startswith(ESCAPE) and _runs_as_formula(text[1:]):
        return text[1:]
    return text


def escaped_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    escaped = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        escaped.append([escape_formula(cell) for cell in row])
    return escaped


class SafeCSV(CSV):
    def export_data(self, dataset, **kwargs):
        return super().export_data(escaped_dataset(dataset), **kwargs)


class SafeXLSX(XLSX):
    def export_data(self, dataset, **kwargs):
        return super().export_data(escaped_dataset(dataset), **kwargs)


SPREADSHEET_FORMATS = [SafeCSV, SafeXLSX]
