"""The complaint queue's first page is read from an index in its own order (PostgreSQL).

The queue sorts by the running SLA clock's due time, a CASE over the status: without an index
on that very expression PostgreSQL sorts every complaint to show 25 (65 ms at 20,000
complaints in the bench, growing with the log; 3 ms with the index). The index only serves
when its expression is the selector's, so this test fails if either drifts.
"""

from typing import Any

import pytest
from django.db import connection

from feedback.selectors import complaint_queue

pytestmark = pytest.mark.django_db


def test_the_queue_is_read_in_index_order_without_sorting(
    require_postgres_and_redis, make_user: Any
) -> None:
    manager = make_user("quality_manager")
    page = complaint_queue(manager)[:25]
    sql, params = page.query.sql_with_params()

    with connection.cursor() as cursor:
        # Tell the planner not to read the table whole, so that an index of the right
        # expression is taken whatever the (empty) table's statistics say.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "complaint_queue_order" in plan, plan
    assert "Sort" not in plan.split("complaint_queue_order")[0], plan
