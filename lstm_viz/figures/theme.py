"""Three looks for every figure: ``screen`` (the app), ``presentation`` (a projector), ``print`` (PDF/PNG export).

Every figure is built in ``screen`` sizes; :func:`apply_theme` rescales *all* its text (titles, ticks,
legends, annotations, colourbars, sliders), its margins and any explicit height by the ratio of base
font sizes, so switching back and forth never compounds. ``print`` is meant for export at 1280×720 px:
its smallest text is 19 px ≈ 14 pt, so figures set no text below :data:`MIN_SCREEN_TEXT` at screen sizes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import plotly.graph_objects as go

from .palette import INK, MUTED, OKABE_ITO

FONT_FAMILY = "Inter, 'Source Sans Pro', 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
MONO_FAMILY = "'JetBrains Mono', 'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace"
GRID = "#E6E6E6"
AXIS_LINE = "#B0B0B0"
META_KEY = "lstm_viz_theme"
# layout.meta[MIN_WIDTH_KEY]: the narrowest width (px) at which a figure's fixed-size labels stay apart (a diagram
# drawn to scale); the app scrolls such a chart sideways in a narrower column instead of squeezing it
MIN_WIDTH_KEY = "min_width"
# layout.meta[FIT_HEIGHT_KEY]: a figure drawn to scale that the app may make shorter (and so narrower) to fit the
# window's height: on a 720-px projector the whole diagram then shows once scrolled to
FIT_HEIGHT_KEY = "fit_height"
# layout.meta[SCREEN_HINT_KEY]: a subtitle that asks the reader to hover: a static export (PNG, SVG, PDF) drops it
SCREEN_HINT_KEY = "screen_hint"
AXIS_KEY = re.compile(r"^[xy]axis\d*$")
MODES = ("screen", "presentation", "print")
# The smallest font size (px) a figure may set at screen sizes: scaled by print/screen (20/14) it is 19.3 px,
# above the 18.7 px (14 pt at 1280×720) a printed handout needs.
MIN_SCREEN_TEXT = 13.5


@dataclass(frozen=True)
class Look:
    base: int  # body text, legend, annotations (px)
    title: int
    tick: int
    paper: str
    margin: tuple[int, int, int, int]  # l, r, t, b (px) at this look's font size


LOOKS = {
    "screen": Look(base=14, title=18, tick=13, paper="#FFFFFF", margin=(64, 24, 64, 56)),
    "presentation": Look(base=22, title=28, tick=20, paper="#FFFFFF", margin=(96, 36, 96, 84)),
    "print": Look(base=20, title=26, tick=19, paper="#FFFFFF", margin=(90, 32, 90, 80)),
}

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT_FAMILY, "color": INK},
        colorway=[OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "reddish_purple", "orange", "sky_blue")],
        plot_bgcolor="#FFFFFF",
        hoverlabel={"font": {"family": FONT_FAMILY}, "bgcolor": "#FFFFFF", "bordercolor": MUTED},
        legend={"bgcolor": "rgba(255,255,255,0.85)", "borderwidth": 0},
        title={"x": 0.0, "xanchor": "left", "xref": "paper", "y": 0.97, "yanchor": "top"},
    )
)

# Axis look shared by every cartesian axis; apply_theme applies it to whatever axes a figure has.
AXIS_STYLE = {
    "showline": True,
    "linecolor": AXIS_LINE,
    "ticks": "outside",
    "tickcolor": AXIS_LINE,
    "gridcolor": GRID,
    "zerolinecolor": "#C8C8C8",
    "automargin": True,
}


def current_mode(fig: go.Figure) -> str | None:
    """The mode a figure was last themed with (None if never)."""
    meta = fig.layout.meta
    return meta.get(META_KEY) if isinstance(meta, dict) else None


def apply_theme(fig: go.Figure, mode: str = "screen") -> go.Figure:
    """Restyle ``fig`` in place for ``mode`` ("screen" | "presentation" | "print") and return it.

    Like ``fig.update_layout`` this edits the figure it is given (only its styling, never its data).
    The layout is restyled as a plain dict and assigned once: Plotly's property-by-property updates
    cost ~1 s on a six-row figure, this ~20 ms.
    """
    layout = fig.layout.to_plotly_json()
    scale = theme_layout(layout, mode)
    fig.layout = layout
    if scale != 1.0:
        for trace in fig.data:
            updates = _trace_font_updates(trace, scale)
            if updates:
                trace.update(updates)
    return fig


def theme_layout(layout: dict, mode: str) -> float:
    """Restyle a layout dict in place for ``mode``; returns the factor its text was scaled by.

    Text sized for the previous mode (``layout.meta``) is rescaled, so switching never compounds.
    """
    if mode not in LOOKS:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}.")
    look = LOOKS[mode]
    meta = dict(layout.get("meta") or {}) if isinstance(layout.get("meta") or {}, dict) else {}
    previous = meta.get(META_KEY)
    scale = look.base / LOOKS[previous].base if previous in LOOKS else 1.0
    if scale != 1.0:
        _scale_layout_text(layout, scale)
        if layout.get("height") is not None:  # a figure sized to its content (text lines) grows with its text
            layout["height"] = round(layout["height"] * scale)
        if meta.get(MIN_WIDTH_KEY):  # the width its text needs grows with the text
            meta[MIN_WIDTH_KEY] = round(meta[MIN_WIDTH_KEY] * scale)
    margin = layout.get("margin") or {}
    layout["margin"] = {
        side: default if margin.get(side) is None else round(margin[side] * scale)
        for side, default in zip("lrtb", look.margin, strict=True)
    }
    layout.update(
        template=TEMPLATE,
        font={"size": look.base, "family": FONT_FAMILY, "color": INK},
        paper_bgcolor=look.paper,
        plot_bgcolor=look.paper,
        meta={**meta, META_KEY: mode},
    )
    _nested(layout, "title", "font")["size"] = look.title
    if (layout.get("title") or {}).get("subtitle"):  # plotly's default, 0.7 × the title, is 18 px in print
        _nested(layout, "title", "subtitle", "font")["size"] = look.base
    _nested(layout, "legend", "font")["size"] = look.base
    _nested(layout, "hoverlabel", "font")["size"] = max(look.base, 14)
    for key in [k for k in layout if AXIS_KEY.match(k)]:
        axis = layout[key]
        axis.update(AXIS_STYLE)
        _nested(axis, "tickfont")["size"] = look.tick
        if isinstance(axis.get("title"), str):
            axis["title"] = {"text": axis["title"]}
        _nested(axis, "title", "font")["size"] = look.base
        if axis.get("type") == "log":  # plotly draws the 2s and 5s between decades at 0.75 × the tick size
            axis["minorloglabels"] = "none"
    return scale


def _nested(parent: dict, *keys: str) -> dict:
    """parent[k1][k2]..., creating empty dicts on the way."""
    for key in keys:
        parent = parent.setdefault(key, {})
    return parent


def _scale_size(font: dict | None, scale: float) -> None:
    if font and font.get("size") is not None:
        font["size"] = round(font["size"] * scale, 1)


def _scale_layout_text(layout: dict, scale: float) -> None:
    """Annotation, button and slider text; button and slider spacing (they stay clear of the axis).

    A slider starting right of the ▶/❚❚ buttons starts further right as the buttons' text grows, so
    the buttons never cover its read-out; its right end stays put.
    """
    for ann in layout.get("annotations", ()):
        _scale_size(ann.get("font"), scale)
    for control in (*layout.get("updatemenus", ()), *layout.get("sliders", ())):
        _scale_size(control.get("font"), scale)
        _scale_size((control.get("currentvalue") or {}).get("font"), scale)
        pad = control.get("pad") or {}
        if pad.get("t") is not None:
            pad["t"] = round(pad["t"] * scale)
    if layout.get("updatemenus"):
        for slider in layout.get("sliders", ()):
            if slider.get("x") and slider.get("len") is not None:
                right = slider["x"] + slider["len"]
                slider["x"] = round(slider["x"] * scale, 4)
                slider["len"] = round(right - slider["x"], 4)


def _trace_font_updates(trace, scale: float) -> dict:
    """The font sizes of one trace (text, colourbar) multiplied by ``scale``, as an update dict."""
    updates = {}
    for path in ("textfont", "colorbar.tickfont", "colorbar.title.font", "marker.colorbar.tickfont"):
        try:
            size = trace[path + ".size"]
        except (KeyError, ValueError, AttributeError):
            continue
        if isinstance(size, (int, float)):
            _nested(updates, *path.split("."))["size"] = round(size * scale, 1)
    return updates
