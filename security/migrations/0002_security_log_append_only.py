"""The database itself refuses UPDATE and DELETE on the security log, as on the case access log: the
model's own refusal only covers code that goes through `save()` and `delete()`."""

from django.db import migrations

from security.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("security", "0001_initial")]
    operations = [append_only("security_securityevent", "security_log")]
