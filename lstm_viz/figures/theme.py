"""Three looks for every figure: ``screen`` (the app), ``presentation`` (a projector), ``print`` (PDF/PNG export).

Every figure is built in ``screen`` sizes; :func:`apply_theme` rescales *all* its text (titles, ticks,
legends, annotations, colourbars, sliders), its margins and any explicit height by the ratio of base
font sizes, so switching back and forth never compounds. ``print`` is meant for export at 1280×720 px:
its smallest text is 19 px ≈ 14 pt.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from .palette import INK, MUTED, OKABE_ITO

FONT_FAMILY = "Inter, 'Source Sans Pro', 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
MONO_FAMILY = "'JetBrains Mono', 'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace"
GRID = "#E6E6E6"
AXIS_LINE = "#B0B0B0"
META_KEY = "lstm_viz_theme"
MODES = ("screen", "presentation", "print")


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
    """
    if mode not in LOOKS:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}.")
    look = LOOKS[mode]
    previous = current_mode(fig)
    scale = look.base / LOOKS[previous].base if previous else 1.0
    _scale_text(fig, scale)
    left, right, top, bottom = look.margin
    margin = fig.layout.margin
    if fig.layout.height is not None:  # a figure sized to its content (text lines) grows with its text
        fig.layout.height = round(fig.layout.height * scale)
    fig.update_layout(
        template=TEMPLATE,
        font={"size": look.base, "family": FONT_FAMILY, "color": INK},
        title_font={"size": look.title},
        paper_bgcolor=look.paper,
        legend_font={"size": look.base},
        hoverlabel_font={"size": max(look.base, 14)},
        margin={
            "l": _rescaled(margin.l, scale, left),
            "r": _rescaled(margin.r, scale, right),
            "t": _rescaled(margin.t, scale, top),
            "b": _rescaled(margin.b, scale, bottom),
        },
        meta={**(fig.layout.meta if isinstance(fig.layout.meta, dict) else {}), META_KEY: mode},
    )
    _show_controls(fig, visible=mode != "print", scale=scale)
    axis = {**AXIS_STYLE, "tickfont": {"size": look.tick}, "title": {"font": {"size": look.base}}}
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    return fig


def _show_controls(fig: go.Figure, visible: bool, scale: float) -> None:
    """Play buttons and step sliders: spaced for the new font size, and hidden on paper (they cannot be pressed)."""
    for control in (*fig.layout.updatemenus, *fig.layout.sliders):
        control.visible = visible
        if control.pad.t is not None:
            control.pad.t = round(control.pad.t * scale)


def _rescaled(value, scale: float, default: int) -> int:
    return default if value is None else round(value * scale)


def _scale_font(font, scale: float) -> None:
    if font is not None and font.size is not None:
        font.size = round(font.size * scale, 1)


def _scale_text(fig: go.Figure, scale: float) -> None:
    """Multiply every explicitly sized font in ``fig`` by ``scale`` (annotations, traces, colourbars, widgets)."""
    if scale == 1.0:
        return
    for ann in fig.layout.annotations:
        _scale_font(ann.font, scale)
    for menu in fig.layout.updatemenus:
        _scale_font(menu.font, scale)
    for slider in fig.layout.sliders:
        _scale_font(slider.font, scale)
        _scale_font(slider.currentvalue.font, scale)
    for trace in fig.data:
        for attr in ("textfont", "insidetextfont", "outsidetextfont"):
            if attr in trace:
                _scale_font(trace[attr], scale)
        if "colorbar" in trace:
            _scale_font(trace.colorbar.tickfont, scale)
            _scale_font(trace.colorbar.title.font, scale)
        if "marker" in trace and "colorbar" in trace.marker:
            _scale_font(trace.marker.colorbar.tickfont, scale)
