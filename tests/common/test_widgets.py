"""Date pickers keep their value in every language (the browser accepts only ISO dates)."""
from datetime import date, datetime

import pytest
from django import forms
from django.utils import translation

from common.widgets import DatePicker, DateTimePicker


class _Form(forms.Form):
    day = forms.DateField(widget=DatePicker())
    at = forms.DateTimeField(widget=DateTimePicker())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_and_time_pickers_write_iso_values_the_browser_accepts(language):
    with translation.override(language):
        html = str(_Form(initial={"day": date(2026, 3, 1), "at": datetime(2026, 3, 1, 20, 30)}))
    assert 'type="date"' in html and 'value="2026-03-01"' in html
    assert 'type="datetime-local"' in html and 'value="2026-03-01T20:30"' in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_what_the_pickers_send_is_read_back_in_every_language(language):
    with translation.override(language):
        form = _Form({"day": "2026-03-01", "at": "2026-03-01T20:30"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2026, 3, 1)
    assert form.cleaned_data["at"].replace(tzinfo=None) == datetime(2026, 3, 1, 20, 30)
