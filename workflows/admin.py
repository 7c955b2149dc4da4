"""Admin registrations of the workflows app, one module per idea."""

from workflows.deadlines import admin as deadline_admin  # noqa: F401
