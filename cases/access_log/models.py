"""The access log (NEN 7513): who did what with which case, when, for which organisation, and
whether it was allowed. Append-only (database triggers refuse UPDATE, DELETE and TRUNCATE) and
tamper-evident: each row's hash is an HMAC, with a key the database does not hold
(`settings.ACCESS_LOG_KEY`), over its content and the previous row's hash; the chain's head is
anchored outside the database (`cases.access_log.integrity`).

Rows are written on their own connection ("audit" alias on PostgreSQL) so that a denied or failed
attempt stays logged even when the request's transaction rolls back.

`hash_version` says which function a row's hash used: 1 for rows written before the key
(SHA-256, unkeyed; they may only form the start of the chain), 2 for the keyed rows. Version 2 does
not hash the fields that name the case's subjects (`SUBJECT_FIELDS`: case, person, detail) directly
but a keyed digest of them salted with the row's random `subject_salt`. So a later destruction of a
case can replace those fields by a tombstone without breaking the chain: it stores that digest in the
row (a new column), empties the fields and the salt, and verify uses the stored digest (the UPDATE
trigger then has to let exactly that change through). Without the salt the digest cannot be matched
to a guessed case id, not even by someone holding the key. Tombstoning: `access_log_tombstone`
(`cases.access_log.services`), called when a case is destroyed (`cases.retention`).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    READ = "read", _("inzien")
    SEARCH = "search", _("zoeken")
    CREATE = "create", _("aanmaken")
    CHANGE = "change", _("wijzigen")
    EXPORT = "export", _("exporteren")
    DELETE = "delete", _("vernietigen")


class AccessOutcome(models.TextChoices):
    ALLOWED = "allowed", _("toegestaan")
    DENIED = "denied", _("geweigerd")


# Which function made a row's hash (see the module docstring).
HASH_UNKEYED = 1
HASH_KEYED = 2

# The fields that name a case's subjects: covered by the chain through a salted, keyed digest.
SUBJECT_FIELDS = ("case_id", "person_id", "detail")
# What a destroyed case's rows say in `detail` instead of what was touched.
TOMBSTONE_DETAIL = "vernietigd"


class AccessLogEntry(models.Model):
    # Plain ids, no foreign keys: a log row must outlive (and never be changed by) what it names.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150, blank=True)
    organisation_id = models.BigIntegerField(null=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=32, blank=True)
    case_id = models.BigIntegerField(null=True, db_index=True)
    person_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=16, choices=AccessAction.choices)
    outcome = models.CharField(max_length=16, choices=AccessOutcome.choices)
    ip_address = models.GenericIPAddressField(null=True)
    # What was touched ("case", "person:12", a search term's length, an export's kind); never case content.
    detail = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    hash_version = models.PositiveSmallIntegerField()
    # Random per row (hex); empty on unkeyed rows. Emptied with the subject fields when a case is destroyed.
    subject_salt = models.CharField(max_length=32, blank=True)
    # Set only when the case is destroyed: the digest the chain covers, kept while the subject fields
    # are replaced by tombstones (TOMBSTONE_DETAIL, no case or person id) and the salt is emptied.
    subject_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("toegangslogregel")
        verbose_name_plural = _("toegangslog")
        ordering = ["id"]
        indexes = [models.Index(fields=["case_id", "at"], name="accesslog_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.outcome}"
