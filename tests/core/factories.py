"""factory_boy factories of the core records: staff users in their roles, import jobs."""

from typing import Any

import factory
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from core.imports import reading, registry, selectors, services
from core.models import ChatChannel, ImportJob, WebhookDelivery, WebhookEndpoint, WebhookEvent
from core.roles import Role, sync_roles
from core.webhooks.events import message_id
from core.webhooks.services import new_secret

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A staff user; pass `role=Role.X` to put them in that role's group."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda number: f"user{number}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def role(user: User, create: bool, extracted: Role | None, **kwargs: object) -> None:
        if create and extracted is not None:
            if not Group.objects.filter(name=extracted.value).exists():
                sync_roles()  # a flushed database has no role groups until they are synced
            user.groups.add(Group.objects.get(name=extracted.value))


ACTIVITY_CSV = (
    b"external_id,customer_reference,occurred_at,kind\nA-1,CRM-000001,2026-11-02,purchase\n"
)


class ImportJobFactory(factory.Factory[ImportJob]):
    """A customer-activity file uploaded through the import service, awaiting its mapping.

    `finished=True` maps the file's columns by their names and runs the import to its end.
    """

    class Meta:
        model = ImportJob

    created_by = factory.SubFactory(UserFactory, role=Role.QUALITY_MANAGER)
    importer_key = "customer_activity"
    file = factory.LazyFunction(
        lambda: SimpleUploadedFile("crm.csv", ACTIVITY_CSV, content_type="text/csv")
    )

    @classmethod
    def _create(cls, model_class: type[ImportJob], *args: Any, **kwargs: Any) -> ImportJob:
        return services.import_job_create(**kwargs)

    @factory.post_generation
    def finished(job: ImportJob, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if not (create and extracted):
            return
        headers = selectors.import_job_preview(job).headers
        importer = registry.get(job.importer)
        assert importer is not None
        mapping = reading.suggested_mapping(importer.column_names, headers)
        services.import_job_start(job=job, mapping=mapping, enqueue=False)
        services.import_job_run(job_id=job.pk)
        job.refresh_from_db()


class ChatChannelFactory(factory.django.DjangoModelFactory[ChatChannel]):
    """A Slack channel whose URL is a documentation address (TEST-NET-1): nothing is reachable,
    and the server refuses to send to it unless private targets are allowed."""

    class Meta:
        model = ChatChannel

    name = factory.Sequence(lambda number: f"Channel {number}")
    kind = ChatChannel.Kind.SLACK
    url = "https://192.0.2.10/services/T000/B000/secret0token"


class WebhookEndpointFactory(factory.django.DjangoModelFactory[WebhookEndpoint]):
    """A receiver of every event type at a documentation address (TEST-NET-1): nothing is
    reachable, and the server refuses to send to it unless private targets are allowed."""

    class Meta:
        model = WebhookEndpoint

    url = factory.Sequence(lambda number: f"https://192.0.2.10/hooks/{number}")
    secret = factory.LazyFunction(new_secret)


class WebhookDeliveryFactory(factory.django.DjangoModelFactory[WebhookDelivery]):
    """A failed delivery of a "complaint.created" event, written as history (never sent)."""

    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    event = factory.LazyFunction(
        lambda: WebhookEvent.objects.create(
            message_id=message_id(),
            event_type="complaint.created",
            payload={"type": "complaint.created", "data": {"id": 1}},
        )
    )
    status = WebhookDelivery.Status.FAILED
