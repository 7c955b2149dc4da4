"""The Django admin is the functional administrators' tool, and they do not read case content: cases
are reached only through `cases.selectors` (need-to-know, logged); the access log is read by the
privacy officer's report (`cases.access_log.views`) and checked by `manage.py verify_access_log`.
Registered here: the retention rules only (`cases.retention.admin`), which hold no case content."""

from cases.retention import admin as retention_admin  # noqa: F401
