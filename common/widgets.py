"""Date and time fields as the browser's own pickers.

An ``<input type="date">`` takes only ISO dates (``datetime-local``: ``YYYY-MM-DDTHH:MM``). Django writes a
field's value in the active language's first input format, which in Chinese is ``2026/03/01``: the browser
rejects it and shows an empty field, so an initial or stored value is lost and a required field comes back
"required". These widgets always write the ISO form.
"""
from django import forms


class DatePicker(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimePicker(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
