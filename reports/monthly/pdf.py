"""The report's PDF: its HTML document printed by WeasyPrint (CSS paged media).

WeasyPrint, not a browser's print: A4 margin boxes carry the page numbers and the running
footer, table headers repeat on every page and figures never split (CSS `break-inside`), all
from the document's own stylesheet, in the worker's Python process. The fonts are the project's
own (static/vendor/dejavu-fonts-2.37), so the PDF looks the same on every machine.
"""

from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders

FONTS = {
    ("normal", "DejaVuSans.ttf"),
    ("bold", "DejaVuSans-Bold.ttf"),
}
FONT_FOLDER = "vendor/dejavu-fonts-2.37"


def _font_faces() -> str:
    faces = []
    for weight, name in sorted(FONTS):
        path = finders.find(f"{FONT_FOLDER}/{name}")
        if not path:
            raise RuntimeError(f"{FONT_FOLDER}/{name} is missing from the static files")
        source = Path(path).as_uri()
        faces.append(
            "@font-face { font-family: 'Report Sans'; "
            f"font-weight: {weight}; src: url('{source}'); }}"
        )
    return "\n".join(faces)


def laid_out(html: str) -> Any:
    """Return the document laid out in pages (a weasyprint Document: its pages and boxes)."""
    import weasyprint  # loaded on first use: only the worker prints

    font_config = weasyprint.text.fonts.FontConfiguration()
    fonts = weasyprint.CSS(string=_font_faces(), font_config=font_config)
    return weasyprint.HTML(string=html, base_url=None).render(
        stylesheets=[fonts], font_config=font_config
    )


def pdf_from_html(html: str) -> bytes:
    """Return the document printed as a PDF (A4 portrait, as its stylesheet says)."""
    pdf: bytes = laid_out(html).write_pdf()
    return pdf
