"""Demo data owned by core: the organisation's staff and one login per role.

The organisation is Brightline Home Services, which sells and services smart home-energy
equipment online, with a support desk and yearly service contracts. Later apps add its journeys,
complaints, surveys, indicators and improvement cycles in their own `demo.py` modules.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from .notifications import chat_demo
from .roles import Role, sync_roles

EMAIL_DOMAIN = "brightline.example"
DEMO_PASSWORD = "loyalty-demo"  # noqa: S105 - printed for the demo; refused when DEBUG is off

FIRST_NAMES = [
    "Anna", "Bram", "Chloé", "Daan", "Elif", "Finn", "Greta", "Hamza", "Ines", "Jasper",
    "Karin", "Luuk", "Maya", "Noah", "Olga", "Pieter", "Quinten", "Rosa", "Sem", "Tess",
    "Umar", "Vera", "Wouter", "Xenia", "Yara", "Zeynep", "Mila", "Lars", "Nadia", "Ruben",
]  # fmt: skip
LAST_NAMES = [
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "de Boer", "Bos",
    "Vos", "Peters", "Hendriks", "van Dijk", "Kaya", "Dekker", "Brouwer", "de Wit", "Dijkstra",
    "Yilmaz", "Kramer", "van Leeuwen", "Schouten", "El Amrani", "Novak", "Koster", "Prins",
]  # fmt: skip

# How many colleagues of each role the demo organisation has, besides the demo logins.
STAFF_COUNTS = {Role.FRONTLINE: 24, Role.QUALITY_MANAGER: 3, Role.EXECUTIVE: 4}


@dataclass(frozen=True)
class DemoLogin:
    """A login printed for the person trying the demo."""

    username: str
    first_name: str
    last_name: str
    role: Role | None
    email: str = ""  # the organisation's address when empty

    @property
    def label(self) -> str:
        """Return the role name, or "Administrator" for the superuser."""
        return self.role.value if self.role else "Administrator"


DEMO_LOGINS = [
    DemoLogin("frontline", "Sanne", "Verbeek", Role.FRONTLINE),
    DemoLogin("quality", "Quinn", "Okafor", Role.QUALITY_MANAGER),
    DemoLogin("executive", "Eva", "Lindqvist", Role.EXECUTIVE),
    DemoLogin("admin", "Ali", "Demir", None),
    # SwiftParcel's contact at the courier (stakeholders.demo links the login to the partner).
    DemoLogin("partner", "Piotr", "Nowak", Role.PARTNER, email="piotr.nowak@swiftparcel.example"),
]


def _ensure_user(
    *,
    username: str,
    first_name: str,
    last_name: str,
    group: Group | None,
    superuser: bool,
    password_hash: str,
    email: str = "",
) -> tuple[User, bool]:
    defaults = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email or f"{username}@{EMAIL_DOMAIN}",
        "is_staff": superuser,
        "is_superuser": superuser,
        "is_active": True,
        # Set only on creation: a re-run must not touch a password someone changed on purpose.
        "password": password_hash,
    }
    user, created = User.objects.get_or_create(username=username, defaults=defaults)
    if group is not None:
        user.groups.add(group)
    return user, created


def staff_names(seed: int) -> dict[Role, list[tuple[str, str]]]:
    """Return the deterministic (first, last) names of each role's colleagues for a seed."""
    generator = random.Random(seed)  # noqa: S311 - deterministic demo data, not secrets
    pairs = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    chosen = generator.sample(pairs, sum(STAFF_COUNTS.values()))
    names: dict[Role, list[tuple[str, str]]] = {}
    start = 0
    for role, count in STAFF_COUNTS.items():
        names[role] = chosen[start : start + count]
        start += count
    return names


def username_for(first: str, last: str) -> str:
    """Return the login name of a colleague, such as "anna.devries"."""
    ascii_last = last.replace(" ", "").lower()
    return f"{first.lower()}.{ascii_last}".replace("é", "e")


def office_moment(days_ago: float, *, hour: int = 10, minute: int = 0) -> datetime:
    """Return the moment `days_ago` days before now at the local time given (the demo's
    records were created and changed in office hours)."""
    # On the local calendar: subtracting from the UTC moment would move the day across a
    # change of summer time late in the evening (23:30 in winter is 00:30 in summer).
    wall = timezone.localtime().replace(tzinfo=None) - timedelta(days=days_ago)
    return timezone.make_aware(wall.replace(hour=hour, minute=minute, second=0, microsecond=0))


def backdate(instance: Model, *, field: str, moment: datetime) -> None:
    """Set a row's creation moment, and every version of it, to a moment of the demo's story."""
    model = type(instance)
    model._default_manager.filter(pk=instance.pk).update(**{field: moment})
    model.history.filter(**{model._meta.pk.attname: instance.pk}).update(  # type: ignore[attr-defined]
        **{field: moment}
    )
    setattr(instance, field, moment)


@transaction.atomic
def load(*, seed: int) -> dict[str, int]:
    """Create the demo staff and logins; return how many users were created."""
    sync_roles()
    groups = {role: Group.objects.get(name=role.value) for role in Role}
    # One hash for every demo account: hashing is deliberately slow, and these passwords are public.
    password_hash = make_password(DEMO_PASSWORD)
    created_count = 0
    for login in DEMO_LOGINS:
        _user, created = _ensure_user(
            username=login.username,
            first_name=login.first_name,
            last_name=login.last_name,
            group=groups[login.role] if login.role else None,
            superuser=login.role is None,
            password_hash=password_hash,
            email=login.email,
        )
        created_count += created
    for role, names in staff_names(seed).items():
        for first, last in names:
            _user, created = _ensure_user(
                username=username_for(first, last),
                first_name=first,
                last_name=last,
                group=groups[role],
                superuser=False,
                password_hash=password_hash,
            )
            created_count += created
    # The quality team's chat channel, connected by the demo quality manager (created above).
    return {"users created": created_count, **chat_demo.load()}
