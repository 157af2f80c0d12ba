"""Reads of chat channels, shared by the pages and the API."""

from django.db.models import QuerySet

from core.models import ChatChannel


def chat_channel_list() -> QuerySet[ChatChannel]:
    """Return every chat channel, by name, with who connected it."""
    return ChatChannel.objects.select_related("created_by").order_by("name", "pk")


def masked_url(url: str) -> str:
    """Return a webhook URL with its secret part hidden: the host and the last four characters."""
    scheme, _, rest = url.partition("://")
    host, _, path = rest.partition("/")
    if not path:
        return f"{scheme}://{host}/"
    return f"{scheme}://{host}/…{path[-4:]}" if len(path) > 8 else f"{scheme}://{host}/…"
