"""Getting a figure ready to leave the app: a copy (the app's figure is never touched), themed for print,
stamped with the scenario it shows, and, for a static image, without the play buttons and step slider.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ..figures.theme import LOOKS, apply_theme

EXPORT_WIDTH, EXPORT_HEIGHT = 1280, 720  # 16:9, the size the print theme's fonts are chosen for
CAPTION_COLOR = "#555555"  # secondary text, 7.5:1 on white
CAPTION_META = "lstm_viz_caption"  # layout.meta key holding the subtitle as it was before the caption
LINE_HEIGHT = 1.3  # a caption line, in font sizes


def export_copy(fig: go.Figure, mode: str | None = "print", caption: str | None = None) -> go.Figure:
    """A deep copy of ``fig`` in the ``mode`` theme (None: as it is) with ``caption`` under its title."""
    out = go.Figure(fig)
    if mode is not None:
        apply_theme(out, mode)
    if caption:
        stamp_caption(out, caption)
    return out


def static_figure(fig: go.Figure, mode: str | None = "print", caption: str | None = None) -> go.Figure:
    """:func:`export_copy` without frames, play buttons and step slider (they mean nothing on paper).

    The figure keeps the step its builder showed (e.g. the conveyor belt at step t).
    """
    out = go.Figure(fig)
    if out.frames or out.layout.updatemenus or out.layout.sliders:
        out.frames = ()
        out.layout.updatemenus = ()
        out.layout.sliders = ()
        out.layout.margin.b = None  # it made room for the controls: the theme's default gives it back to the plot
    return export_copy(out, mode, caption)


def stamp_caption(fig: go.Figure, caption: str) -> go.Figure:
    """Add ``caption`` (the scenario: model, task, seed, T ...) as the subtitle's last line, in place.

    The top margin grows by one line so the plot keeps its room. Stamping again replaces the caption.
    """
    meta = dict(fig.layout.meta) if isinstance(fig.layout.meta, dict) else {}
    font_size = fig.layout.font.size or LOOKS["screen"].base
    if CAPTION_META in meta:
        subtitle = meta[CAPTION_META]
    else:
        subtitle = fig.layout.title.subtitle.text or ""
        fig.layout.margin.t = (fig.layout.margin.t or LOOKS["screen"].margin[2]) + round(font_size * LINE_HEIGHT)
    line = f'<span style="color:{CAPTION_COLOR}">{caption}</span>'
    fig.update_layout(
        title_subtitle_text=f"{subtitle}<br>{line}" if subtitle else line,
        meta={**meta, CAPTION_META: subtitle},
    )
    return fig
