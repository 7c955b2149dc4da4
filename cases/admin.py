"""Only the list of statutory bases (`cases.legal_bases.admin`), which holds no case content. Otherwise
deliberately empty: the Django admin is the functional administrators' tool, and they do not read
case content. Cases are reached only through `cases.selectors` (need-to-know, logged); the access log
is read by the privacy officer's report (`cases.access_log.views`) and checked by
`manage.py verify_access_log`."""

from cases.legal_bases import admin as legal_bases_admin  # noqa: E402,F401  (registers LegalBasisAdmin)
