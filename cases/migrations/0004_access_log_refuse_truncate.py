"""PostgreSQL refuses TRUNCATE on the access log as it refuses UPDATE and DELETE (SQLite has no TRUNCATE)."""

from django.db import migrations

from security.append_only import refuse_truncate


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_access_log_keyed_hash")]
    operations = [refuse_truncate("cases_accesslogentry", "access_log")]
