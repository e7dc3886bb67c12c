"""The site's own date formats per language (settings.FORMAT_MODULE_PATH), on top of Django's.

Django's ``get_format`` reads any name from these modules, so templates write ``|date:"WEEKDAY_DATE_FORMAT"``
as they would ``|date:"SHORT_DATE_FORMAT"``. Every language in settings.LANGUAGES must define every name here:
a name no module defines comes back as itself and would be read as format characters (tests/test_formats.py).
"""
