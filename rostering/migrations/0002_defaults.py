from django.db import migrations


def load(apps, schema_editor):
    from rostering.defaults import load_defaults

    load_defaults(apps.get_model("rostering", "ShiftTemplate"), apps.get_model("rostering", "DemandLevel"),
                  apps.get_model("rostering", "RosterSettings"))


class Migration(migrations.Migration):
    dependencies = [("rostering", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
