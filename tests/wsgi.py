"""Django's WSGI application for tests that call it as a server would be called (schemathesis,
werkzeug's client), inside the test's database transaction."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@contextmanager
def wsgi_application() -> Iterator[WSGIHandler]:
    """Yield the application with the database connection kept open between requests.

    Each request would close a connection that is not in autocommit mode, as a test's
    transaction is (PostgreSQL then loses the test's data); Django's own test client turns
    this off the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
