"""Deliberately empty: the Django admin is the functional administrators' tool, and they do not read
case content. Cases are reached only through `cases.selectors` (need-to-know, logged); the access log
is read by the privacy officer's report (`cases.access_log.views`) and checked by
`manage.py verify_access_log`."""
