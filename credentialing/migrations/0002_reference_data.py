from django.db import migrations

from credentialing.reference_data import load_reference_data


def load(apps, schema_editor):
    load_reference_data(apps.get_model("credentialing", "QualificationKind"),
                        apps.get_model("credentialing", "CriteriaSet"))


class Migration(migrations.Migration):
    dependencies = [("credentialing", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
