"""The region's statutory bases; existing participations already carry "niet vastgelegd" (0008)."""

from django.db import migrations


def load(apps, schema_editor):
    from cases.legal_bases.defaults import load_defaults

    load_defaults(apps.get_model("cases", "LegalBasis"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_participation_basis")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
