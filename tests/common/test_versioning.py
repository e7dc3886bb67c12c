"""Stale forms: a form that showed an older version is refused instead of overwriting a newer change."""
import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from common.versioning import VersionField, is_stale, posted_version, save_new_version
from tests.people.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def test_every_saved_change_makes_the_forms_showing_the_old_version_stale():
    volunteer = VolunteerFactory(phone="1")
    shown = volunteer.version
    volunteer.phone = "2"
    save_new_version(volunteer, "phone")
    volunteer.refresh_from_db()
    assert (volunteer.phone, volunteer.version) == ("2", shown + 1)
    assert is_stale(volunteer, shown)
    assert not is_stale(volunteer, shown + 1)
    assert not is_stale(volunteer, None)  # a form that posted no version compares nothing


@pytest.mark.parametrize("data, expected", [({"version": "3"}, 3), ({}, None), ({"version": "x"}, None)])
def test_the_posted_version(data, expected):
    query = QueryDict(mutable=True)
    query.update(data)
    assert posted_version(query) == expected


def test_the_version_field_is_hidden_and_not_negative():
    field = VersionField()
    assert field.widget.input_type == "hidden"
    with pytest.raises(ValidationError):
        field.clean(-1)
