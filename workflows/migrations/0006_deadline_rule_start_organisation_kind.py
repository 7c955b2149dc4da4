from django.db import migrations, models


def vt_onderzoek_of_veilig_thuis_only(apps, schema_editor):
    """The region's "VT onderzoek afgerond" starts and closes only on Veilig Thuis' own onderzoek (the
    Raad records its onderzoek with the same event kinds); the gelijkgestelde dagen 2023-2025 join."""
    from workflows.deadlines.rules import load_defaults

    rule_model = apps.get_model("workflows", "DeadlineRule")
    defaults = rule_model.objects.filter(team=None, code="vt-onderzoek")
    defaults.filter(start_organisation_kind="").update(start_organisation_kind="veilig_thuis")
    defaults.filter(close_organisation_kind="").update(close_organisation_kind="veilig_thuis")
    load_defaults(rule_model, apps.get_model("workflows", "GelijkgesteldeDag"))


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0005_reminder_withdrawn_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="deadlinerule",
            name="start_organisation_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("cvc", "CVC (lokaal team)"),
                    ("veilig_thuis", "Veilig Thuis"),
                    ("rvdk", "Raad voor de Kinderbescherming"),
                    ("gi", "Gecertificeerde Instelling"),
                    ("other", "Overig (expertise)"),
                ],
                max_length=20,
                verbose_name="alleen als de startgebeurtenis komt van",
            ),
        ),
        migrations.RunPython(vt_onderzoek_of_veilig_thuis_only, migrations.RunPython.noop),
    ]
