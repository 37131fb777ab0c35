"""Getting a figure ready to leave the app: a copy (the app's figure is never touched), themed for print,
stamped with the scenario it shows, and, for a static image, without the play buttons and step slider.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ..figures.theme import LOOKS, META_KEY, SCREEN_HINT_KEY, apply_theme

EXPORT_WIDTH, EXPORT_HEIGHT = 1280, 720  # 16:9, the size the print theme's fonts are chosen for
CAPTION_COLOR = "#555555"  # secondary text, 7.5:1 on white
CAPTION_META = "lstm_viz_caption"  # layout.meta key holding the subtitle as it was before the caption
LINE_HEIGHT = 1.3  # a caption line, in font sizes
CONTROLS = ("updatemenus", "sliders")  # layout keys of the animation controls


def export_copy(fig: go.Figure, mode: str | None = "print", caption: str | None = None) -> go.Figure:
    """A deep copy of ``fig`` in the ``mode`` theme (None: as it is) with ``caption`` under its title."""
    out = go.Figure(fig)
    if mode is not None:
        apply_theme(out, mode)
    if caption:
        stamp_caption(out, caption)
    return out


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
    # Its own size: plotly draws subtitles at ~0.9 of the body text, under 14 pt at the print size.
    line = f'<span style="color:{CAPTION_COLOR}; font-size:{font_size:g}px">{caption}</span>'
    fig.update_layout(
        title_subtitle_text=f"{subtitle}<br>{line}" if subtitle else line,
        meta={**meta, CAPTION_META: subtitle},
    )
    return fig


def static_spec(fig: go.Figure, mode: str | None = "print", caption: str | None = None) -> dict:
    """The figure as a dict for the renderer: themed and captioned if asked, without animation.

    Frames, ▶/❚❚ buttons and the step slider mean nothing on paper; the figure keeps the step its
    builder showed. Works on a copy (``to_dict`` copies), so ``fig`` is untouched.
    """
    spec = (export_copy(fig, mode, caption) if mode is not None or caption else fig).to_dict()
    return without_hover_hint(without_animation(spec))


def without_hover_hint(spec: dict) -> dict:
    """Drop a subtitle that asks the reader to hover (``layout.meta[SCREEN_HINT_KEY]``), in place: on paper
    nothing hovers. An interactive HTML export keeps it."""
    layout = spec.get("layout", {})
    meta, title = layout.get("meta"), layout.get("title")
    hint = meta.get(SCREEN_HINT_KEY) if isinstance(meta, dict) else None
    if hint and isinstance(title, dict) and (title.get("subtitle") or {}).get("text") == hint:
        title["subtitle"]["text"] = ""
    return spec


def without_animation(spec: dict) -> dict:
    """Drop frames and animation controls from a figure dict, in place; the bottom margin they used goes back."""
    had_controls = bool(spec.pop("frames", None)) or any(spec.get("layout", {}).get(k) for k in CONTROLS)
    layout = spec.setdefault("layout", {})
    for key in CONTROLS:
        layout.pop(key, None)
    if had_controls:
        meta = layout.get("meta")
        look = LOOKS[(meta.get(META_KEY) if isinstance(meta, dict) else None) or "screen"]
        layout.setdefault("margin", {})["b"] = look.margin[3]
    return spec
