"""Where a report's charts fall in its PDF, and whether they are drawn there.

The document is laid out again by WeasyPrint (the same HTML gives the same pages) to find each
chart image's page and box; the PDF is turned into page images by pdftoppm at 96 dpi (one CSS
pixel a pixel), and each box's pixels are read.
"""

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from reports.monthly.pdf import laid_out


@dataclass(frozen=True)
class ChartBox:
    """A chart image's place in the PDF: its page (from 1) and its box in CSS pixels."""

    page: int
    left: float
    top: float
    width: float
    height: float


def _boxes(box: Any) -> Any:
    yield box
    for child in getattr(box, "children", []) or []:
        yield from _boxes(child)


def chart_boxes(html: str) -> list[ChartBox]:
    """Return where every chart image of the document is drawn."""
    found = []
    for number, page in enumerate(laid_out(html).pages, start=1):
        for box in _boxes(page._page_box):
            element = getattr(box, "element", None)
            if (
                element is not None
                and getattr(box, "element_tag", "") == "img"
                and element.get("src", "").startswith("data:image/svg+xml")
                and type(box).__name__ == "InlineReplacedBox"
            ):
                found.append(
                    ChartBox(
                        page=number,
                        left=box.content_box_x(),
                        top=box.content_box_y(),
                        width=box.width,
                        height=box.height,
                    )
                )
    return found


def page_images(pdf: bytes) -> list[Image.Image]:
    """Return the PDF's pages as images at 96 dpi (pdftoppm, from poppler-utils)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "96", "-png", str(source), str(Path(folder) / "page")],
            check=True,
            capture_output=True,
        )
        return [
            Image.open(path).convert("RGB").copy()
            for path in sorted(Path(folder).glob("page-*.png"))
        ]


def inked_share(image: Image.Image, box: ChartBox) -> float:
    """Return the share of a box's pixels that are not white (0: blank)."""
    region = image.crop(
        (int(box.left), int(box.top), int(box.left + box.width), int(box.top + box.height))
    )
    pixels = list(region.getdata())
    inked = sum(1 for red, green, blue in pixels if min(red, green, blue) < 235)
    return inked / max(len(pixels), 1)


def coloured_share(image: Image.Image, box: ChartBox) -> float:
    """Return the share of a box's pixels in a colour (not white, grey or black): the data
    marks of a chart (the palette's blue, orange and red); axes and text are grey."""
    region = image.crop(
        (int(box.left), int(box.top), int(box.left + box.width), int(box.top + box.height))
    )
    pixels = list(region.getdata())
    coloured = sum(1 for pixel in pixels if max(pixel) - min(pixel) > 60)
    return coloured / max(len(pixels), 1)


def pdf_text_pages(pdf: bytes) -> list[str]:
    """Return the text of each page of a PDF (pdftotext, from poppler-utils)."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")
