"""The Django admin is the functional administrators' tool, and they do not read case content: cases
are reached only through `cases.selectors` (need-to-know, logged); the access log is read by the
privacy officer's report (`cases.access_log.views`) and checked by `manage.py verify_access_log`.
Registered here, holding no case content: the list of statutory bases (`cases.legal_bases.admin`) and
the retention rules (`cases.retention.admin`)."""

from cases.legal_bases import admin as legal_bases_admin  # noqa: F401  (registers LegalBasisAdmin)
from cases.retention import admin as retention_admin  # noqa: F401
