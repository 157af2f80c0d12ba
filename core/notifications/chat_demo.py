"""The demo's chat channel: the quality team's Teams channel, connected by the quality manager.

Its URL has the shape of a Teams Workflows webhook but leads nowhere: a test message shows how a
refusal looks. Written directly, not through the service, whose URL check would look the host up.
"""

from django.contrib.auth.models import User

from core.models import ChatChannel

DEMO_CHANNEL_NAME = "Quality team (Teams)"
DEMO_CHANNEL_URL = (
    "https://prod-00.westeurope.logic.azure.com:443/workflows/demo0000000000000000000000000000"
    "/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun"
    "&sv=1.0&sig=demo-signature-not-valid"
)


def load() -> dict[str, int]:
    """Create the demo Teams channel once; return how many channels were created."""
    _channel, created = ChatChannel.objects.get_or_create(
        name=DEMO_CHANNEL_NAME,
        defaults={
            "kind": ChatChannel.Kind.TEAMS,
            "url": DEMO_CHANNEL_URL,
            "is_active": True,
            "created_by": User.objects.filter(username="quality").first(),
        },
    )
    return {"chat channels created": int(created)}
