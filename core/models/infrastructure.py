"""Core's infrastructure tables (no domain models, see DESIGN.md): reference sequences, replays."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionAddress(models.Model):
    """The client address a version of a controlled record was saved from (its history's base).

    Filled by core.history.sign_version from the request (core.network.client_address, which
    trusts a forwarded address only behind the configured proxies); empty outside a request.
    """

    history_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    class Meta:
        abstract = True


class ReferenceSequence(models.Model):
    """The last number handed out for one reference prefix in one year (CMP-2026-000123)."""

    prefix = models.CharField(_("prefix"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference sequence")
        verbose_name_plural = _("reference sequences")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="reference_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class IdempotencyRecord(models.Model):
    """The stored answer to an API request sent with an Idempotency-Key, replayed on a retry."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE
    )
    key = models.CharField(_("idempotency key"), max_length=200)
    fingerprint = models.CharField(
        _("request fingerprint"), max_length=64, help_text=_("SHA-256 of method, path and body.")
    )
    response_status = models.PositiveSmallIntegerField(_("response status"))
    response_body = models.JSONField(_("response body"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            # Keys are scoped per caller: two integrations may pick the same key by chance.
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"


class ImportJob(models.Model):
    """One CSV upload being loaded by an importer: its progress, counts and row errors."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for column mapping")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        """Why a failed import stopped; all but the file's own faults may be resumed."""

        FILE = "file", _("The file or its mapping cannot be loaded")
        GIVEN_UP = "given_up", _("Its worker stopped too many times")
        ERROR = "error", _("An unexpected error")

    importer = models.CharField(_("importer"), max_length=60)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    # Values chosen on the upload form for the whole file, by column ({"survey": "12"}): a resumed
    # or taken-over run reads them from here, so it loads the file as the first run did.
    options = models.JSONField(_("chosen for the whole file"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("rows read"), default=0)
    created_rows = models.PositiveIntegerField(_("rows saved"), default=0)
    duplicate_rows = models.PositiveIntegerField(_("rows already there"), default=0)
    error_rows = models.PositiveIntegerField(_("rows refused"), default=0)
    errors_file = models.FileField(_("errors"), upload_to="imports/errors/%Y/%m/", blank=True)
    first_errors = models.JSONField(_("first errors"), default=list, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)
    failure_kind = models.CharField(
        _("kind of failure"), max_length=10, choices=Failure.choices, blank=True
    )
    # When the job was last put in the queue, and the outbox message carrying that run (a plain
    # number: the message is forgotten days after it ends). A queued job whose message ended
    # without the run claiming it was lost, and the watchdog queues it again.
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    run_message = models.PositiveBigIntegerField(
        _("outbox message of its run"), null=True, blank=True
    )
    # The Celery node running it ("celery@host"): a worker starting under the same name finds
    # the imports its previous life left running and takes them over at once.
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    # Refreshed while the import runs; a running import silent for JOB_STALE_AFTER_SECONDS lost
    # its worker, and the watchdog queues it again to resume after its last saved batch.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    interruptions = models.PositiveSmallIntegerField(_("times its run was lost"), default=0)
    interruption = models.TextField(_("what stopped it"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.importer}: {self.original_name}"


class SourceChange(models.Model):
    """The local days whose metric aggregates a write to a source table may have changed.

    The invalidation log of the nightly recompute: every write that can move an aggregate (a
    save, a deletion, a late edit of an old row, a bulk load) records the days it touched in the
    same transaction, so that a recompute finds edits and deletions a timestamp watermark misses.
    """

    source = models.CharField(_("source"), max_length=30)
    # Narrows a change to one consumer (observations name their indicator); blank = every reader.
    scope = models.CharField(_("scope"), max_length=40, blank=True)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # The recompute run that claimed the change; a plain number because runs live in metrics,
    # an app above core. Null until claimed; released back to null if that run fails.
    claimed_by = models.PositiveBigIntegerField(_("claimed by run"), null=True, blank=True)

    class Meta:
        verbose_name = _("source change")
        verbose_name_plural = _("source changes")
        indexes = [
            # The nightly claim reads the unclaimed rows only; claimed rows are deleted on success.
            models.Index(fields=["claimed_by", "id"], name="source_change_claim"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_day__lte=models.F("last_day")),
                name="source_change_days_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.first_day}..{self.last_day}"


class OutboxMessage(models.Model):
    """A task a change asked for, saved in the change's own transaction (the transactional outbox).

    The intent survives whatever happens to the broker: it is published right after the commit,
    and the relay (core.tasks.outbox_relay_task, every half minute) publishes whatever a broker
    outage held back. The message's number travels as the Celery task id, so the consumer runs
    it to an end once however often it is delivered (core.outbox.OutboxTask).
    """

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("handed to the broker"), null=True, blank=True)
    publish_attempts = models.PositiveIntegerField(_("attempts to publish"), default=0)
    publish_error = models.TextField(_("last publishing error"), blank=True)
    # Set by the worker when a delivery starts; a delivery of a finished message is dropped.
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The relay reads the unfinished messages only.
            models.Index(
                fields=["id"],
                name="outbox_unfinished",
                condition=models.Q(finished_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.task}"

    @property
    def state(self) -> str:
        """Where the message is: waiting, published, running, done or failed."""
        if self.finished_at:
            return "failed" if self.failure else "done"
        if self.started_at:
            return "running"
        return "published" if self.published_at else "waiting"
