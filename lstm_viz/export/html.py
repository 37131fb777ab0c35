"""Interactive HTML files that work offline, and the Plotly modebar's own camera button as the fallback export.

A standalone file embeds plotly.js (~4.8 MB, no network needed); a lecture pack writes many small HTML
files beside one shared ``plotly.min.js`` instead. MathJax is never included (figure text uses Plotly's
``<sub>`` markup), so nothing is fetched from a CDN.
"""

from __future__ import annotations

import re

import plotly.io as pio

from .prepare import EXPORT_HEIGHT, EXPORT_WIDTH, export_copy
from .static import PNG_SCALE

PLOTLY_JS_NAME = "plotly.min.js"  # the file 'directory'-mode HTML loads from its own folder
# Box/lasso select do nothing here; plotly.js 4 adds a "Share chart" button that offers to upload the chart
# to Plotly Cloud, which no classroom figure should do.
REMOVED_BUTTONS = ("select2d", "lasso2d", "sendChartToCloud")
FILENAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def modebar_config(filename: str, fmt: str = "png", scale: float = PNG_SCALE) -> dict:
    """A Plotly ``config`` for a camera button that saves ``filename.png`` at 1280×720 × ``scale``.

    The browser renders this one itself, so it works with no Chrome on the server: the fallback when
    :func:`~lstm_viz.export.static_export_available` says no. ``fmt``: "png", "svg", "jpeg" or "webp".
    """
    if fmt not in ("png", "svg", "jpeg", "webp"):
        raise ValueError(f"the modebar saves png, svg, jpeg or webp, not {fmt!r}.")
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": list(REMOVED_BUTTONS),
        "toImageButtonOptions": {
            "format": fmt,
            "filename": safe_filename(filename),
            "width": EXPORT_WIDTH,
            "height": EXPORT_HEIGHT,
            "scale": scale,
        },
    }


def safe_filename(name: str) -> str:
    """``name`` reduced to letters, digits, '.', '_' and '-' (no path separators, no spaces)."""
    cleaned = FILENAME_CHARS.sub("-", str(name)).strip("-.")
    return cleaned or "figure"


def play_options(fig) -> dict | None:
    """The animation options of the figure's own ▶ button (frame duration, redraw), if it has one."""
    for menu in fig.layout.updatemenus or ():
        for button in menu.buttons or ():
            if button.method == "animate" and button.args and len(button.args) > 1 and button.args[0] != [None]:
                return dict(button.args[1])
    return None


def figure_html(fig, *, mode: str | None = "print", caption: str | None = None, auto_play: bool = False,
                filename: str = "figure", plotly_js: str = "embed") -> bytes:  # fmt: skip
    """``fig`` as one interactive HTML page (UTF-8 bytes); ``fig`` itself is not modified.

    plotly_js: "embed" (standalone, works offline anywhere) or "directory" (loads ``plotly.min.js`` from
    the same folder: see :func:`plotly_js_bytes`). auto_play: start the figure's animation on load, at the
    speed of its own ▶ button. ``filename`` names the PNG its camera button saves.
    """
    if plotly_js not in ("embed", "directory"):
        raise ValueError(f"plotly_js must be 'embed' or 'directory', got {plotly_js!r}.")
    out = export_copy(fig, mode, caption) if mode is not None or caption else fig  # to_html only reads it
    html = pio.to_html(
        out,
        config=modebar_config(filename),
        auto_play=bool(auto_play and out.frames),
        animation_opts=play_options(out),
        include_plotlyjs=True if plotly_js == "embed" else "directory",
        include_mathjax=False,
        full_html=True,
        default_width="100%",
        default_height="100%",
    )
    return _with_title(html, _plain_title(out)).encode("utf-8")


def animation_html(fig, **options) -> bytes:
    """A standalone HTML page that plays the figure's animation as soon as it opens (▶/❚❚ still work)."""
    return figure_html(fig, auto_play=True, **options)


def plotly_js_bytes() -> bytes:
    """The plotly.js bundled with the installed plotly (the one the HTML was written for), as bytes."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode("utf-8")


def _plain_title(fig) -> str:
    text = fig.layout.title.text or "lstm_viz figure"
    return re.sub(r"<[^>]+>", "", text)


def _with_title(html: str, title: str) -> str:
    """Give the page a <title> (browser tab, bookmarks); plotly writes none."""
    safe = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return html.replace("<head>", f"<head>\n    <title>{safe}</title>", 1)
