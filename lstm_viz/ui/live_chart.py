"""A Plotly chart that stays mounted from one step to the next (a ``st.components.v2`` component).

``st.plotly_chart`` gives a chart a new element id whenever its figure changes, so every step unmounts
each chart and draws it from scratch (``Plotly.newPlot``): ~0.1–0.2 s of the browser's CPU per chart, and a
classroom's browsers share the server's cores. This component keeps one div per chart key and draws
each new figure into it with ``Plotly.react``, reusing the traces that did not change (assets/live_chart.js).

plotly.js is the copy inside the plotly Python package; Streamlit serves that folder read-only as a
(never mounted) v1 component's files, so nothing is fetched from the network and nothing is copied.
A page reload takes it from the browser's cache (assets/live_chart.js says why that needs asking for).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path

import plotly
import streamlit as st
import streamlit.components.v1 as components_v1

from .components import asset_component

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_LIBRARY = components_v1.declare_component("plotly_js", path=str(PLOTLY_JS.parent))
# relative to the page, as Streamlit serves it; the version makes a plotly upgrade a new address (see live_chart.js)
LIBRARY_URL = f"component/{_LIBRARY.name}/{PLOTLY_JS.name}?v={plotly.__version__}"
COMPONENT = "lstm_viz.live_chart"
_mount = asset_component(COMPONENT, "live_chart.js")


def payload(figure_json: str, config: dict, moved: tuple[str, str] | None = None, reports: bool = False) -> bytes:
    """What the browser gets: the figure (its JSON text as it is), the Plotly config, where plotly.js is, and
    ``moved``: (animation, frame) when the figure is the frame animation named ``animation`` shown at ``frame``;
    ``reports``: the browser reports the frame a student's ▶ / ❚❚ / own slider left the animation at.

    Bytes, not a dict: Streamlit forwards bytes untouched, while a dict would be checked for data frames
    (importing pandas on the first page) and the figure's JSON escaped into a string again.
    """
    move = {"animation": moved[0], "frame": moved[1]} if moved else None
    rest = {"config": config, "library": LIBRARY_URL, "moved": move, "reports": reports}
    return f'{{"figure": {figure_json}, {json.dumps(rest)[1:]}'.encode()


def live_chart(figure_json: str, key: str, config: dict, moved: tuple[str, str] | None = None,
               on_frame: Callable[[str], None] | None = None) -> None:  # fmt: skip
    """Draw the Plotly figure ``figure_json`` (its JSON text) under ``key`` with the Plotly ``config``.

    ``moved``: (animation, frame) when the figure is the frame animation ``animation`` (a name that changes
    with its content) shown at ``frame``: a chart already showing that animation plays that frame instead of
    drawing the whole figure again. ``on_frame(name)``: called (as a widget callback, before the next run) when
    a student's ▶ play ends, ❚❚ pauses or the chart's own slider moves the animation to frame ``name``.
    """
    data = payload(figure_json, config, moved, reports=on_frame is not None)
    if on_frame is None:
        _mount(key=key, data=data, width="stretch")
    else:
        _mount(key=key, data=data, width="stretch", on_frame_change=partial(_frame_reported, key, on_frame))


def _frame_reported(key: str, on_frame: Callable[[str], None]) -> None:
    frame = (st.session_state.get(key) or {}).get("frame")  # the component's trigger value, this run only
    if frame is not None:
        on_frame(str(frame))
