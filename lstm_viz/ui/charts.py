"""Showing figures: themed for the screen or the projector, never restyled by Streamlit (``theme=None``),
and cached as JSON text so that stepping back to a step, or replaying one, costs milliseconds.

A cached figure is stored as its Plotly JSON (an immutable ``str``): no session can change what another
one sees. That JSON text goes to the browser as it is (:mod:`.live_chart`): no ``go.Figure`` is built or
validated a second time (for the conveyor belt's hundreds of frames that alone takes longer than drawing
the page), and the chart stays mounted from one step to the next.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from ..export.html import REMOVED_BUTTONS
from ..figures import apply_theme
from ..figures.theme import current_mode
from . import downloads
from .context import Context
from .live_chart import live_chart

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": list(REMOVED_BUTTONS), "scrollZoom": False}
PRESENTATION_HEIGHT_SCALE = 1.25  # projector text is ~1.5x larger; the figure grows a little so it still fits
TTL = 3600  # seconds: a "1h" string makes Streamlit import pandas to parse it, ~0.3 s of the first page
FIGURES = 400  # ~ two views × 200 steps of one lesson: a whole replay of a default-sized lesson stays warm
FIGURES_BYTES = "256MB"
PRIVATE_FIGURES = 100  # per session, for lessons built on an uploaded file


def _styled(fig: go.Figure, mode: str, height: int | None) -> go.Figure:
    if current_mode(fig) != mode:  # figures arrive themed for the screen
        apply_theme(fig, mode)
    if height is not None:
        fig.update_layout(height=int(height * (PRESENTATION_HEIGHT_SCALE if mode == "presentation" else 1)))
    return fig


def _to_json(build: Callable[[], go.Figure], mode: str, height: int | None) -> str:
    return pio.to_json(_styled(build(), mode, height), validate=False)


@st.cache_data(max_entries=FIGURES, max_size=FIGURES_BYTES, ttl=TTL, show_spinner=False)
def _shared_spec(key: str, _build, mode: str, height: int | None) -> str:
    return _to_json(_build, mode, height)


@st.cache_data(max_entries=PRIVATE_FIGURES, ttl=TTL, show_spinner=False, scope="session")
def _private_spec(key: str, _build, mode: str, height: int | None) -> str:
    return _to_json(_build, mode, height)


def _draw(figure_json: str, key: str, config: dict | None = None, moved: tuple[str, str] | None = None,
          on_frame: Callable[[str], None] | None = None) -> None:  # fmt: skip
    live_chart(figure_json, key, PLOTLY_CONFIG | (config or {}), moved, on_frame)


def show(build: Callable[[], go.Figure], key: str, ctx: Context, args: tuple = (), height: int | None = None,
         caption: str | None = None, exports_here: bool = False) -> None:  # fmt: skip
    """Draw ``build()`` under the chart key ``key``, cached by the lesson, ``key``, ``args`` and the look, and
    offer it in the view's export menus (``caption``: the line under exported files, default the scenario's).

    ``args`` must name everything ``build`` depends on beyond the lesson (step, unit, quantity ...).
    ``exports_here``: its export popover right under it instead (charts that come and go with a training run).
    """
    cache_key = f"{ctx.lesson.key}|{key}|{args!r}"
    cached = _private_spec if ctx.lesson.private else _shared_spec
    _draw(cached(cache_key, build, ctx.mode, height), key, downloads.chart_config(key, ctx))
    _offer(build, key, ctx, caption, exports_here)


def _offer(build: Callable[[], go.Figure], key: str, ctx: Context, caption: str | None, here: bool) -> None:
    if here:
        downloads.figure_exports(build, key, ctx, caption)
    else:
        ctx.charts[key] = (build, caption)


def at_frame(spec: dict, name: str) -> dict | None:
    """An animated figure's spec showing frame ``name``, as if its slider had been moved there.

    The frame's data replaces the traces it animates, the slider marks it active, and ▶ plays on from it
    (from the start when it is the first or the last frame). Returns None when the figure has no such frame.
    """
    frames = spec.get("frames") or []
    names = [frame.get("name") for frame in frames]
    if name not in names:
        return None
    frame = frames[names.index(name)]
    for index, data in zip(frame.get("traces", range(len(frame["data"]))), frame["data"], strict=True):
        spec["data"][index].update(data)
    layout = spec.get("layout", {})
    for slider in layout.get("sliders", []):
        steps = [step.get("args", [[None]])[0] for step in slider.get("steps", [])]
        if [name] in steps:
            slider["active"] = steps.index([name])
    position = names.index(name)
    for menu in layout.get("updatemenus", []):
        for button in menu.get("buttons", []):
            args = button.get("args") or [None]
            plays = button.get("method") == "animate" and (args[0] is None or len(args[0]) > 1)
            if plays:
                args[0] = names[position:] if 0 < position < len(names) - 1 else None
    return spec


def figure_id(figure_json: str, config: dict) -> str:
    """A short name for a figure as drawn (its JSON and its chart config): equal names, same drawing."""
    return hashlib.blake2b(f"{figure_json}{json.dumps(config, sort_keys=True)}".encode(), digest_size=16).hexdigest()


def show_at_frame(
    build: Callable[[], go.Figure],
    key: str,
    ctx: Context,
    args: tuple,
    frame: str,
    height: int | None = None,
    on_frame: Callable[[str], None] | None = None,
) -> bool:
    """Draw the cached animated figure ``build()`` at ``frame`` (one build serves every step); False if it has
    no such frame (the caller then builds the figure for that step). ``on_frame(name)``: see ``live_chart``."""
    cache_key = f"{ctx.lesson.key}|{key}|{args!r}"
    cached = _private_spec if ctx.lesson.private else _shared_spec
    animation = cached(cache_key, build, ctx.mode, height)
    spec = at_frame(json.loads(animation), frame)
    if spec is None:
        return False
    config = downloads.chart_config(key, ctx)
    _draw(json.dumps(spec), key, config, moved=(figure_id(animation, config), frame), on_frame=on_frame)
    _offer(build, key, ctx, None, here=False)
    return True


def show_uncached(fig: go.Figure, key: str, ctx: Context, height: int | None = None, exports: bool = True) -> None:
    """Draw a figure that is not worth keeping (it changes while training runs); ``exports``: with its buttons."""
    _draw(_to_json(lambda: fig, ctx.mode, height), key, downloads.chart_config(key, ctx))
    if exports:
        downloads.figure_exports(lambda: fig, key, ctx)
