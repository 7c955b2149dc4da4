"""Admin registrations of the workflows app, one module per idea."""

from workflows import deadline_admin  # noqa: F401
