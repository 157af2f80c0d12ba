"""Long bulk work keeps the objects that existed before it out of full collections
(`core.heap.long_lived_frozen`), and hands them back afterwards."""

import gc
import weakref
from datetime import date
from typing import Any

import pytest

from core.heap import long_lived_frozen
from core.imports import services
from core.models import ImportJob
from stakeholders import services as stakeholder_services
from tests.core.test_imports import GOOD_AND_BAD, run


class Node:
    """An object that can take part in a reference cycle."""

    other: Any = None


def test_the_block_freezes_what_exists_collects_what_it_makes_and_hands_all_back() -> None:
    before = Node()
    with long_lived_frozen():
        assert gc.get_freeze_count() > 0
        first, second = Node(), Node()
        first.other, second.other = second, first  # a cycle only the collector frees
        gone = weakref.ref(first)
        del first, second
        gc.collect()
        assert gone() is None
    assert gc.get_freeze_count() == 0
    assert gc.is_tracked(before)


def test_an_inner_block_leaves_the_unfreezing_to_the_outer_one() -> None:
    with long_lived_frozen():
        with long_lived_frozen():
            pass
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("media_in_tmp")
def test_an_import_runs_frozen_and_leaves_nothing_frozen(
    make_user: Any, roles: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows are loaded with the heap frozen; afterwards nothing stays frozen."""
    for number in (1, 2):
        stakeholder_services.customer_create(
            external_reference=f"CRM-{number}", first_seen=date(2025, 1, 1)
        )
    frozen_while_loading: list[int] = []
    load = services._load

    def watched(job: ImportJob, importer: Any) -> None:
        frozen_while_loading.append(gc.get_freeze_count())
        load(job, importer)

    monkeypatch.setattr(services, "_load", watched)

    job = run(make_user("quality_manager"), GOOD_AND_BAD)

    assert job.status == ImportJob.Status.DONE
    assert frozen_while_loading[0] > 0
    assert gc.get_freeze_count() == 0
