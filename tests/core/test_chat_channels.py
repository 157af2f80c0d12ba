"""Chat channels: Slack and Teams messages, their delivery, and the quality managers' pages."""

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from core.models import ChatChannel, OutboxMessage
from core.notifications.chat import chat_post, slack_payload, teams_payload
from core.notifications.chat_selectors import masked_url
from core.tasks import chat_post_task
from tests.core.factories import ChatChannelFactory

FACTS = [("Severity", "High"), ("Touchpoint", "Delivery")]
LINK = "https://qms.example.com/feedback/complaints/C-1/"

ClientFor = Callable[[str | None], Client]


class ChatServer:
    """A local chat service: records each JSON body, answers with the statuses queued."""

    def __init__(self) -> None:
        self.bodies: list[Any] = []
        self.answers: list[tuple[int, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                server.bodies.append(json.loads(self.rfile.read(length)))
                status, text = server.answers.pop(0) if server.answers else (200, "ok")
                self.send_response(status)
                self.end_headers()
                self.wfile.write(text.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/hook"


@pytest.fixture
def chat_server(settings: Any) -> Iterator[ChatServer]:
    settings.OUTBOUND_ALLOW_PRIVATE_TARGETS = True
    server = ChatServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture(autouse=True)
def _private_targets_refused(settings: Any) -> None:
    settings.OUTBOUND_ALLOW_PRIVATE_TARGETS = False


# Payloads ---------------------------------------------------------------------------------------


def test_teams_payload_is_one_adaptive_card_in_the_workflows_envelope() -> None:
    payload = teams_payload("Complaint C-1 breached its SLA", "Late delivery.", LINK, FACTS)

    assert payload["type"] == "message"
    [attachment] = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.4"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert [block["type"] for block in card["body"]] == ["TextBlock", "TextBlock", "FactSet"]
    title = card["body"][0]
    assert (title["weight"], title["size"], title["wrap"]) == ("Bolder", "Medium", True)
    assert card["body"][2]["facts"] == [
        {"title": "Severity", "value": "High"},
        {"title": "Touchpoint", "value": "Delivery"},
    ]
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open in LoyaltyQMS", "url": LINK}
    ]
    assert "MessageCard" not in json.dumps(payload)


def test_slack_payload_has_blocks_and_a_plain_text_fallback() -> None:
    payload = slack_payload("Complaint C-1 breached its SLA", "Late delivery.", LINK, FACTS)

    assert "Complaint C-1 breached its SLA" in payload["text"]
    assert LINK in payload["text"]
    assert [block["type"] for block in payload["blocks"]] == [
        "header",
        "section",
        "section",
        "section",
    ]
    assert payload["blocks"][0]["text"]["type"] == "plain_text"
    assert payload["blocks"][2]["fields"][0]["text"] == "*Severity*\nHigh"


def test_the_list_masks_the_secret_part_of_the_url() -> None:
    masked = masked_url("https://hooks.slack.com/services/T000/B000/abcdefXYZ1")

    assert masked == "https://hooks.slack.com/…XYZ1"
    assert "T000" not in masked


# Delivery -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [ChatChannel.Kind.SLACK, ChatChannel.Kind.TEAMS])
def test_a_queued_message_is_posted_to_the_channel(
    kind: str,
    chat_server: ChatServer,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    channel = ChatChannelFactory.create(kind=kind, url=chat_server.url)

    with django_capture_on_commit_callbacks(execute=True):
        chat_post(channel, title="SLA breached", text="Late delivery.", link=LINK, facts=FACTS)

    [body] = chat_server.bodies
    if kind == ChatChannel.Kind.TEAMS:
        assert body["attachments"][0]["content"]["body"][0]["text"] == "SLA breached"
    else:
        assert body["blocks"][0]["text"]["text"] == "SLA breached"
    channel.refresh_from_db()
    assert channel.last_sent_at is not None
    assert channel.last_error == ""
    assert OutboxMessage.objects.filter(task="core.tasks.chat_post_task").exists()


@pytest.mark.django_db
def test_a_server_error_is_retried_then_recorded(
    chat_server: ChatServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Eager retries run at once, nested; propagating would stop at the first one.
    monkeypatch.setitem(chat_post_task.app.conf, "task_eager_propagates", False)
    chat_server.answers = [(503, "busy")] * 10
    channel = ChatChannelFactory.create(url=chat_server.url)

    result = chat_post_task.apply(args=(channel.pk, "Title", "Text", "", []), throw=False)

    assert result.failed()
    assert len(chat_server.bodies) == 5  # the first try and four retries
    channel.refresh_from_db()
    assert channel.last_error == "Slack answered 503: busy"
    assert channel.last_sent_at is None


@pytest.mark.django_db
def test_a_client_error_is_recorded_and_not_retried(chat_server: ChatServer, settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    chat_server.answers = [(404, "no_service")]
    channel = ChatChannelFactory.create(url=chat_server.url)

    delivered = chat_post_task.apply(args=(channel.pk, "Title", "Text", "", [])).get()

    assert delivered is False
    assert len(chat_server.bodies) == 1
    channel.refresh_from_db()
    assert channel.last_error == "Slack answered 404: no_service"


@pytest.mark.django_db
def test_a_switched_off_channel_receives_nothing(chat_server: ChatServer) -> None:
    channel = ChatChannelFactory.create(url=chat_server.url, is_active=False)

    delivered = chat_post_task.apply(args=(channel.pk, "Title", "Text", "", [])).get()

    assert delivered is False
    assert chat_server.bodies == []


@pytest.mark.django_db
def test_a_private_target_is_refused_at_send_time() -> None:
    channel = ChatChannelFactory.create(url="https://127.0.0.1:9/hook")

    delivered = chat_post_task.apply(args=(channel.pk, "Title", "Text", "", [])).get()

    assert delivered is False
    channel.refresh_from_db()
    assert "loopback" in channel.last_error


# Pages ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_quality_manager_connects_a_channel(
    client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.notifications.chat_services.target_refusal", lambda url: None)
    client = client_for("quality_manager")

    response = client.post(
        reverse("chat:channel-create"),
        {
            "name": "Quality team",
            "kind": "teams",
            "url": "https://example.com/hook",
            "is_active": "on",
        },
        follow=True,
    )

    assert response.status_code == 200
    channel = ChatChannel.objects.get(name="Quality team")
    assert channel.kind == "teams"
    assert channel.created_by is not None
    assert "Quality team" in response.content.decode()


@pytest.mark.django_db
def test_a_private_url_is_refused_next_to_the_field(client_for: ClientFor) -> None:
    client = client_for("quality_manager")

    response = client.post(
        reverse("chat:channel-create"),
        {"name": "Inside", "kind": "slack", "url": "https://10.0.0.5/hook", "is_active": "on"},
    )

    assert response.status_code == 200
    assert "url" in response.context["form"].errors
    assert "private address" in response.context["form"].errors["url"][0]
    assert not ChatChannel.objects.filter(name="Inside").exists()


@pytest.mark.django_db
def test_editing_without_a_url_keeps_the_url(client_for: ClientFor) -> None:
    channel = ChatChannelFactory.create()
    client = client_for("quality_manager")

    client.post(
        reverse("chat:channel-edit", args=[channel.pk]),
        {"name": "Renamed", "kind": "slack", "url": ""},
    )

    channel.refresh_from_db()
    assert channel.name == "Renamed"
    assert channel.url == "https://192.0.2.10/services/T000/B000/secret0token"
    assert channel.is_active is False


@pytest.mark.django_db
def test_the_list_does_not_show_the_secret(client_for: ClientFor) -> None:
    ChatChannelFactory.create()

    response = client_for("quality_manager").get(reverse("chat:channel-list"))

    content = response.content.decode()
    assert "https://192.0.2.10/…oken" in content
    assert "secret0token" not in content


@pytest.mark.django_db
def test_test_message_success_is_shown(client_for: ClientFor, chat_server: ChatServer) -> None:
    channel = ChatChannelFactory.create(kind=ChatChannel.Kind.TEAMS, url=chat_server.url)
    client = client_for("quality_manager")

    response = client.post(reverse("chat:channel-test", args=[channel.pk]), follow=True)

    assert "Test message sent to" in response.content.decode()
    [body] = chat_server.bodies
    assert body["attachments"][0]["content"]["body"][0]["text"] == "Test message from LoyaltyQMS"


@pytest.mark.django_db
def test_test_message_failure_is_shown_next_to_the_button(
    client_for: ClientFor, chat_server: ChatServer
) -> None:
    chat_server.answers = [(404, "no_service")]
    channel = ChatChannelFactory.create(url=chat_server.url)
    client = client_for("quality_manager")

    response = client.post(reverse("chat:channel-test", args=[channel.pk]), follow=True)

    content = response.content.decode()
    assert 'data-testid="channel-error">Slack answered 404: no_service<' in content


@pytest.mark.django_db
def test_quality_manager_removes_a_channel(client_for: ClientFor) -> None:
    channel = ChatChannelFactory.create()

    client_for("quality_manager").post(reverse("chat:channel-delete", args=[channel.pk]))

    assert not ChatChannel.objects.filter(pk=channel.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["frontline", "executive"])
def test_other_roles_are_refused(client_for: ClientFor, role: str) -> None:
    channel = ChatChannelFactory.create()
    client = client_for(role)

    assert client.get(reverse("chat:channel-list")).status_code == 403
    assert client.post(reverse("chat:channel-test", args=[channel.pk])).status_code == 403
    assert client.get("/api/v1/chat-channels/").status_code == 403


# API --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_creates_and_lists_channels_without_their_url(
    client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.notifications.chat_services.target_refusal", lambda url: None)
    client = client_for("quality_manager")

    created = client.post(
        "/api/v1/chat-channels/",
        {"name": "Ops", "kind": "slack", "url": "https://hooks.slack.com/services/T/B/abcdefgh"},
        content_type="application/json",
    )
    listed = client.get("/api/v1/chat-channels/")

    assert created.status_code == 201, created.content
    [row] = listed.json()["results"]
    assert row["name"] == "Ops"
    assert "url" not in row
    assert row["masked_url"] == "https://hooks.slack.com/…efgh"


@pytest.mark.django_db
def test_api_refuses_a_private_url_naming_the_field(client_for: ClientFor) -> None:
    response = client_for("quality_manager").post(
        "/api/v1/chat-channels/",
        {"name": "Inside", "kind": "slack", "url": "https://169.254.169.254/latest"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "url" in response.json()


@pytest.mark.django_db
def test_api_test_message_reports_the_outcome(
    client_for: ClientFor, chat_server: ChatServer
) -> None:
    chat_server.answers = [(200, "ok"), (404, "no_service")]
    channel = ChatChannelFactory.create(url=chat_server.url)
    client = client_for("quality_manager")

    sent = client.post(f"/api/v1/chat-channels/{channel.pk}/test/")
    refused = client.post(f"/api/v1/chat-channels/{channel.pk}/test/")

    assert sent.status_code == 200
    assert sent.json()["sent"] is True
    assert refused.status_code == 400
    assert refused.json()["detail"] == "Slack answered 404: no_service"


@pytest.mark.django_db
def test_demo_channel_is_created_once(make_user: Callable[..., User]) -> None:
    from core.notifications import chat_demo

    make_user("quality_manager", username="quality")

    assert chat_demo.load() == {"chat channels created": 1}
    assert chat_demo.load() == {"chat channels created": 0}
    channel = ChatChannel.objects.get(name="Quality team (Teams)")
    assert channel.kind == "teams"
    assert channel.is_active
    assert channel.created_by is not None
    assert channel.created_by.username == "quality"
