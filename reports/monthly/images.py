"""Charts as SVG images for the report's document, drawn by kaleido (headless Chromium running
our own plotly.js; no CDN, no MathJax).

One kaleido server per process, started on first use and kept for the process's life: starting
Chromium costs about 1.5 s, an image then about 0.15 s.
"""

import atexit
import base64
import hashlib
import re
import threading
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.staticfiles import finders

if TYPE_CHECKING:
    import plotly.graph_objects as go

PLOTLY_JS = "vendor/plotly.js-cartesian-4.1.1/plotly-cartesian.min.js"
# A4 portrait's text column at 96 px per inch (17 cm), the size the document prints charts at.
FONT_FAMILY = "'Report Sans', 'DejaVu Sans', sans-serif"
WIDTH = 640
HEIGHT = 300

_lock = threading.Lock()
_started = False


def start() -> None:
    """Start the chart engine (once per process; later calls return at once)."""
    global _started
    with _lock:
        if _started:
            return
        import kaleido

        plotly_js = finders.find(PLOTLY_JS)
        if not plotly_js:
            raise RuntimeError(f"{PLOTLY_JS} is missing from the static files")
        kaleido.start_sync_server(
            mathjax=False,
            plotlyjs=str(plotly_js),
            timeout=settings.REPORT_CHART_TIMEOUT_SECONDS,
            silence_warnings=True,
        )
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _started = True


def svg(figure: "go.Figure", *, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """Return the figure drawn as an SVG document."""
    import kaleido
    import plotly.graph_objects as go

    start()
    # Each trace gets a fixed id (plotly.js would draw a random one into the image).
    figure = go.Figure(figure)
    # The PDF's own font (reports.monthly.pdf), for the charts' text as for the document's.
    figure.update_layout(font_family=FONT_FAMILY)
    for index, trace in enumerate(figure.data):
        trace.uid = f"trace{index}"
    image: bytes = kaleido.calc_fig_sync(
        figure, opts={"format": "svg", "width": width, "height": height}
    )
    if not image.lstrip().startswith(b"<svg"):
        raise ValueError("the chart engine returned no SVG")
    return _stable_ids(image, figure)


# plotly.js names a chart's clip paths and definitions after a random id of the drawing
# ("clipbf956bxyplot", "defs-bf956b"); the same figure must give the same image (a stored
# report re-rendered gives the same document), so the id becomes a digest of the figure.
_DRAWING_ID = re.compile(rb'id="defs-([0-9a-f]{4,})"')


def _stable_ids(image: bytes, figure: "go.Figure") -> bytes:
    found = _DRAWING_ID.search(image)
    if found is None:
        return image
    digest = hashlib.sha256(figure.to_json().encode()).hexdigest()[:6].encode()
    # Only where the id follows a name ("clip", "defs-", "legend"): never a colour ("#bf956b").
    pattern = re.compile(rb"(?<=[a-z-])" + re.escape(found.group(1)) + rb"(?![0-9a-f])")
    return pattern.sub(digest, image)


def data_uri(image: bytes) -> str:
    """Return an SVG image as a data: URI (the document carries its images within it)."""
    return "data:image/svg+xml;base64," + base64.b64encode(image).decode("ascii")
