"""Hypothesis strategies for what a hostile person types into a form: for every kind of field, values that are
valid (so the form sometimes passes and its data reaches the service) mixed with the values that break
programs: huge and negative numbers, NaN and infinity, very long texts, NUL bytes, right-to-left and
zero-width characters, dates outside any calendar the database keeps, SQL, HTML and spreadsheet formulas,
the wrong kind of value and several values where one is expected."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from django import forms
from django.utils.datastructures import MultiValueDict
from hypothesis import strategies as st

NASTY = [
    "", " ", "\x00", "a\x00b", "\x00" * 3, "\r\n", "\t", "\x1b[31m", "\ufeff", "\u200b", "\u200e\u200f",
    "\u202etxt.exe", "مرحبا", "𝕳𝖊𝖑𝖑𝖔", "😀" * 50, "e\u0301" * 20, "\ud7ff", "İ", "ß" * 10,
    "' OR 1=1 --", "'; DROP TABLE people_user; --", '" onmouseover="alert(1)', "<script>alert(1)</script>",
    "</textarea><img src=x onerror=alert(1)>", "{{ 7*7 }}", "{% debug %}", "${7*7}", "%s%s%n", "%(name)s",
    "=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
    "NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "1e309", "-1e309", "1e-400", "0x1A", "0b101",
    "-1", "-0", "0", "00", "1_000", "1,5", "1.5", "0.05", "0.0001", "12345678901234567890", "9" * 50,
    "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
    "-9223372036854775809", "１２３", "٣", "Ⅻ", "½", "true", "on", "off", "null", "None", "undefined", "[]",
    "{}", "[1, 2]", "0001-01-01", "9999-12-31", "10000-01-01", "0000-00-00", "2024-02-30", "2023-02-29",
    "1899-12-31", "1950-01-01", "0001-01", "9999-12", "2024-00", "2024-1", "-1-01",
    "2100-12-31", "2101-01-01", "31/12/2024", "12/31/2024", "2024-13-01",
    "2024-01-01T25:00", "2024-03-31T02:30", "0001-01-01T00:00", "9999-12-31T23:59", "1970-01-01T00:00:00Z",
    "2024-06-01T12:00+14:00", "../../etc/passwd", "..\\..\\windows\\win.ini", "CON", "aux.pdf", "file:///etc/passwd",
    "javascript:alert(1)", "http://", "https://例子.测试/路径", "http://127.0.0.1:8000/admin/", "//evil.example",
    "a@b", "a@b.c", "@", "x" * 65 + "@example.org", "person@" + "d" * 250 + ".org", "admin@example.org",
]
BASE = datetime(2026, 12, 1, 20, 0)
LONG_LENGTHS = [255, 256, 301, 501, 1001, 2001, 4001, 10_000, 100_000]


def long_text() -> st.SearchStrategy[str]:
    return st.builds(lambda char, length: char * length, st.sampled_from(["a", "汉", "😀", "\u200b", "<", "9"]),
                     st.sampled_from(LONG_LENGTHS))


def nasty() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY), long_text(), st.text(max_size=40))


def _around(limit) -> list[str]:
    return [str(limit - 1), str(limit), str(limit + 1)] if limit is not None else []


def _numbers(field) -> st.SearchStrategy[str]:
    edges = _around(getattr(field, "min_value", None)) + _around(getattr(field, "max_value", None))
    numbers = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str),
                        st.integers(min_value=-5, max_value=500).map(str))
    if isinstance(field, forms.DecimalField | forms.FloatField):
        numbers = st.one_of(numbers, st.decimals(allow_nan=True, allow_infinity=True).map(str),
                            st.floats().map(repr), st.decimals(min_value=0, max_value=2000, places=1).map(str))
    return st.one_of(numbers, st.sampled_from(edges or ["0"]), nasty())


def _dates() -> st.SearchStrategy[str]:
    return st.one_of(st.dates().map(date.isoformat), st.dates(min_value=date(1940, 1, 1), max_value=date(2110, 1, 1))
                     .map(date.isoformat), nasty())


def _datetimes() -> st.SearchStrategy[str]:
    return st.one_of(st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
                     st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1))
                     .map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")), nasty())


def _choices(field) -> list[str]:
    values = []
    for value, label in getattr(field, "choices", ()):
        if isinstance(label, list | tuple):  # a group of choices
            values += [str(inner) for inner, _label in label]
        else:
            values.append(str(getattr(value, "value", value)))
    return [value for value in values if value] or ["1"]


def _model_choices(field) -> list[str]:
    try:
        return [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:5]] or ["1"]
    except Exception:  # noqa: BLE001  (a field whose queryset is set later)
        return ["1"]


def value_strategy(field) -> st.SearchStrategy:
    """A value (or list of values) for one field, as a browser (or a hostile script) would post it."""
    if isinstance(field, forms.FileField):
        return st.just(None)
    if isinstance(field, forms.ModelMultipleChoiceField):
        return st.lists(st.one_of(st.sampled_from(_model_choices(field)), nasty()), max_size=4)
    if isinstance(field, forms.ModelChoiceField):
        return st.one_of(st.sampled_from(_model_choices(field)), nasty())
    if isinstance(field, forms.MultipleChoiceField):
        return st.lists(st.one_of(st.sampled_from(_choices(field)), nasty()), max_size=8)
    if isinstance(field, forms.ChoiceField):
        return st.one_of(st.sampled_from(_choices(field)), nasty())
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "false", "False", "0", "1", "true", "\x00"])
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return _numbers(field)
    if isinstance(field, forms.DateTimeField):
        return _datetimes()
    if isinstance(field, forms.DateField):
        return _dates()
    if isinstance(field, forms.EmailField):
        return st.one_of(st.emails().map(str), nasty())
    if isinstance(field, forms.URLField):
        return st.one_of(st.sampled_from(["https://meet.example.org/room-1", "meet.example.org/x",
                                          "https://" + "a" * 490 + ".org"]), nasty())
    if isinstance(field.widget, forms.MultipleHiddenInput | forms.SelectMultiple):
        return st.lists(st.one_of(st.integers(min_value=-3, max_value=2**64).map(str), nasty()), max_size=6)
    max_length = getattr(field, "max_length", None)
    sized = [st.just("x" * max_length), st.just("y" * (max_length + 1))] if max_length else []
    return st.one_of(st.text(max_size=60), nasty(), *sized)


def _printable(max_size: int) -> st.SearchStrategy[str]:
    """Text a form accepts, hostile all the same: markup, formulas, SQL, right-to-left and wide characters."""
    safe = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=max_size)
    typed = st.sampled_from(["<b>bold</b>", "=1+1", "'; DROP TABLE x; --", "\u202eevil", "王小明", "😀 ok",
                             "a\u200bb", "{{ x }}", "%s", "Zoë O'Brien-Łukasz",
                             "Asia/Shanghai", "America/Argentina/Buenos_Aires", "13800138000",
                             "+86 138 0013 8000"]).map(lambda text: text[:max_size])
    return st.one_of(safe, typed)


def valid_strategy(field) -> st.SearchStrategy:
    """A value the field itself accepts (the form's other rules and the service may still refuse it): the values
    that travel on to the database, where a missing limit shows."""
    if isinstance(field, forms.FileField):
        return st.just(None)
    if isinstance(field, forms.ModelMultipleChoiceField):
        return st.lists(st.sampled_from(_model_choices(field)), min_size=1, max_size=3, unique=True)
    if isinstance(field, forms.ModelChoiceField):
        return st.sampled_from(_model_choices(field))
    if isinstance(field, forms.MultipleChoiceField):
        return st.lists(st.sampled_from(_choices(field)), min_size=1, max_size=7, unique=True)
    if isinstance(field, forms.ChoiceField):
        return st.sampled_from(_choices(field))
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", ""])
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        low = field.min_value if field.min_value is not None else -(2**63)
        high = field.max_value if field.max_value is not None else 2**63
        numbers = st.one_of(st.integers(min_value=int(low), max_value=int(high)),
                            st.integers(min_value=int(max(low, -5)), max_value=int(min(high, 60))))
        edges = st.sampled_from([str(low), str(high)])
        if isinstance(field, forms.DecimalField):
            places = field.decimal_places if field.decimal_places is not None else 3
            decimals = st.decimals(min_value=low, max_value=high, places=places, allow_nan=False,
                                   allow_infinity=False)
            return st.one_of(numbers.map(str), decimals.map(str), edges)
        return st.one_of(numbers.map(str), edges)
    if isinstance(field, forms.DateTimeField):
        # anywhere, or within hours of one evening (so that a start and an end make a plausible pair)
        near = st.integers(min_value=-40, max_value=40).map(lambda quarters: BASE + timedelta(minutes=15 * quarters))
        return st.one_of(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)), near).map(
            lambda moment: moment.strftime("%Y-%m-%dT%H:%M"))
    if isinstance(field, forms.DateField):
        return st.one_of(st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
                         st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 1, 1)).map(date.isoformat))
    if isinstance(field, forms.EmailField):
        return st.sampled_from(["owner@example.org", "counselor@example.org", "supervisor@example.org",
                                "nobody@example.org", "x" * 64 + "@example.org"])
    if isinstance(field, forms.URLField):
        longest = (field.max_length or 200) - len("https://.org")
        return st.sampled_from(["https://meet.example.org/room-1", "meet.example.org/x",
                                "https://" + "a" * min(longest, 60) + ".org"])
    if isinstance(field.widget, forms.MultipleHiddenInput | forms.SelectMultiple):
        return st.lists(st.integers(min_value=1, max_value=2**63 - 1).map(str), min_size=1, max_size=4)
    max_length = getattr(field, "max_length", None) or 3000
    min_length = getattr(field, "min_length", None) or 0
    return st.one_of(_printable(min(max_length, 80)).filter(lambda text: len(text.strip()) >= min_length),
                     st.just("x" * max_length), st.just("汉" * max_length))


@st.composite
def form_data(draw, form, *, hints: dict | None = None, extra: dict | None = None) -> MultiValueDict:
    """POST data for every field of a (bound or unbound) form instance. Three moods, so that the form also
    passes and its data reaches the service: every value one the field accepts (texts at their longest,
    numbers at their limits, unicode, markup); all of that but one hostile value; or anything at all,
    values missing or posted twice, and fields nobody asked for. ``hints`` give fields whose valid values depend
    on each other (a start and its end) a strategy of their own for the valid moods."""
    hints = hints or {}
    mood = draw(st.sampled_from(["valid", "valid", "valid", "one hostile", "chaos"]))
    names = list(form.fields)
    hostile = draw(st.sampled_from(names)) if names and mood == "one hostile" else None
    data = MultiValueDict()
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if mood == "chaos" or name == hostile:
            choice = draw(st.integers(min_value=0, max_value=9))
            if choice == 0:
                continue  # not posted at all
            value = draw(value_strategy(field))
            if choice == 1 and value is not None and not isinstance(value, list):
                value = [value, draw(value_strategy(field))]  # the same name twice
        else:
            value = draw(hints[name] if name in hints else valid_strategy(field))
        if value is None:
            continue
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    if mood == "chaos" and draw(st.booleans()):
        data[draw(st.sampled_from(["id", "pk", "user", "applicant", "is_superuser", "state", "csrf"]))] = \
            draw(nasty())
    for key, value in (extra or {}).items():
        data[key] = value
    return data
