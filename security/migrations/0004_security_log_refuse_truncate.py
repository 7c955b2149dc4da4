"""PostgreSQL refuses TRUNCATE on the security log as it refuses UPDATE and DELETE (SQLite has no TRUNCATE)."""

from django.db import migrations

from security.append_only import refuse_truncate


class Migration(migrations.Migration):
    dependencies = [("security", "0003_security_log_membership_and_password_actions")]
    operations = [refuse_truncate("security_securityevent", "security_log")]
