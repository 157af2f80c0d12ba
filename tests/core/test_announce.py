"""`manage.py announce`: make run's message once the site really answers."""

import socket
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db(transaction=True)
def test_announce_prints_the_url_and_demo_logins_once_the_site_answers(live_server) -> None:
    """When /healthz answers, the URL and every demo login are printed."""
    output = StringIO()

    call_command("announce", live_server.url, "--timeout", "20", stdout=output)

    printed = output.getvalue()
    assert f"LoyaltyQMS is ready: {live_server.url}/" in printed
    for username in ("frontline", "quality", "executive", "admin"):
        assert username in printed


def test_announce_gives_up_with_a_clear_error_when_nothing_answers() -> None:
    """A site that never comes up is reported instead of waited for forever."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(CommandError, match="did not answer within 1 s"):
        call_command("announce", f"http://127.0.0.1:{port}", "--timeout", "1", stdout=StringIO())
