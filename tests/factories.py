"""factory_boy factories shared by the apps' tests."""

import factory
from django.contrib.auth.models import Group, User

from core.roles import Role

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
            user.groups.add(Group.objects.get(name=extracted.value))
