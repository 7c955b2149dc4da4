"""The database itself refuses UPDATE and DELETE on the access log (PostgreSQL and SQLite)."""

from django.db import migrations

from security.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [append_only("cases_accesslogentry", "access_log")]
