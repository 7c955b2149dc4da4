"""Writes that happen once: a second, simultaneous attempt finds the first one instead of failing
with a server error or recording it twice.

- `lock_row`: a service first locks the parent row, so a second attempt waits and then sees what
  the first stored (its own check answers `AlreadyRecorded`).
- `create_once`: the insert runs under a savepoint; a unique constraint won by another transaction
  (a race past the lock, or a database without row locks) becomes the same `AlreadyRecorded`.
- `submission_claim` / `submission_done`: creates without a natural key (open a case, add a note, a
  person, an intervention, a veiligheidsvoorwaarde) carry the form's one-time key: the same form sent
  twice answers `AlreadySubmitted` with what its first sending created.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy

from cases.exceptions import AlreadyRecorded, AlreadySubmitted
from cases.models import Case, SubmissionKey
from cases.replay_batch import already_locked
from cases.selectors import cases_visible_to

SUBMISSION_KEY_REUSED = gettext_lazy(
    "Dit formulier is al eens verstuurd voor iets anders. Laad de pagina opnieuw en probeer het nog eens."
)


def lock_row(obj: models.Model) -> None:
    """Hold the row lock of `obj` until the transaction ends (a no-op on SQLite, whose writers
    queue for the whole database anyway). In an import's batch, a row locked once stays locked."""
    if already_locked(obj):
        return
    list(type(obj)._base_manager.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True))


def create_once(
    obj: models.Model, *, existing: Callable[[], models.Model | None], message, field: str | None = None
) -> None:
    """Insert `obj`; when a unique constraint refuses it, raise AlreadyRecorded with the row that
    `existing()` finds (the one another transaction stored first). Other integrity errors pass."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        found = existing()
        if found is None:
            raise
        raise AlreadyRecorded(message, existing=found, field=field) from exc


def submission_claim(
    *, actor, key: UUID | None, model: type[models.Model], message, case: Case | None = None
) -> SubmissionKey | None:
    """Claim the one-time key of this sending before anything is written (no key: no claim). A
    sending of the same form that is still under way holds the key: this one waits until it ends,
    then raises AlreadySubmitted with what it created."""
    if key is None:
        return None
    label = model._meta.label_lower
    claim = SubmissionKey(actor=actor, key=key, model_label=label, case=case)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        first = SubmissionKey.objects.filter(actor=actor, key=key).first()
    else:
        return claim
    existing = _created_by(first, actor=actor, label=label, case=case)
    if existing is None:
        raise ValidationError(SUBMISSION_KEY_REUSED)
    raise AlreadySubmitted(message, existing=existing)


def _created_by(first: SubmissionKey | None, *, actor, label: str, case: Case | None) -> models.Model | None:
    """What the first sending created, if it is the same kind of thing in the same case and the
    actor may still see that case (a key never reveals what need-to-know hides)."""
    if first is None or first.model_label != label or first.object_id is None:
        return None
    if case is not None and first.case_id != case.pk:
        return None
    if not cases_visible_to(actor).filter(pk=first.case_id).exists():
        return None
    return apps.get_model(label)._default_manager.filter(pk=first.object_id).first()


def submission_done(claim: SubmissionKey | None, *, created: models.Model, case: Case) -> None:
    """Record what the claimed sending created (in the same transaction as the claim)."""
    if claim is None:
        return
    claim.case = case
    claim.object_id = created.pk
    claim.save(update_fields=["case", "object_id"])
