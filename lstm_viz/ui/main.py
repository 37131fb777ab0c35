"""What ``streamlit run app.py`` runs: the page config, then the page (``page.render``).

Start-up order matters for the first page a teacher waits for. The browser fetches plotly.js (a 4.7 MB
script, see ``live_chart``) only when the first chart arrives, and compiling it takes it a second or two.
So the first run of a session sends a tiny blank chart before anything heavy is imported: the browser
fetches and compiles plotly.js while the server loads numba, builds the lesson and its figures. The blank
chart is removed at the end of the same run. Later runs skip it (the browser has plotly.js by then).
"""

from __future__ import annotations

# Numpy is imported whole before any session runs: when `page` imported it first, a class opening the link at
# once crashed, one session's thread half-way through importing numpy while another's used it ("partially
# initialized module").
import numpy  # noqa: F401  # imported whole before any session runs, for the reason above
import streamlit as st

from ..query_words import YES
from . import APP_TITLE

CHART_LIBRARY_REQUESTED = "page.chart_library_requested"  # session state: the cue was sent in this session
CUE_KEY = "page.chart_library"  # the blank chart's key (its element gets the class st-key-page-chart_library)
BLANK_CHART = '{"data": [{"type": "scatter", "x": [], "y": []}], "layout": {"height": 10, "width": 10}}'


def run() -> None:
    _configure_page()
    cue = _request_chart_library()
    from . import page  # numba, the kernels, plotly figures and export: loaded after the cue went out

    page.render()
    if cue is not None:
        cue.empty()


def _configure_page() -> None:
    # A projector link opens on the figures, controls tucked away: on the session's first run only. Later runs
    # would otherwise fold the sidebar away under the teacher's mouse once projector mode is switched on there.
    first_run = CHART_LIBRARY_REQUESTED not in st.session_state
    projector = first_run and st.query_params.get("present", "").strip().lower() in YES
    st.set_page_config(
        page_title=APP_TITLE,
        page_icon="🧠",  # not a :material/…: icon, whose favicon the browser would fetch from Google Fonts
        layout="wide",
        initial_sidebar_state="collapsed" if projector else "auto",
    )


def _request_chart_library():
    """On a session's first run, a 10-pixel blank chart in a placeholder (returned, to be emptied); else None."""
    if st.session_state.get(CHART_LIBRARY_REQUESTED):
        return None
    st.session_state[CHART_LIBRARY_REQUESTED] = True
    from .live_chart import live_chart  # light: the component's script and plotly's folder, not plotly's figures

    cue = st.empty()
    with cue:
        live_chart(BLANK_CHART, CUE_KEY, {"staticPlot": True, "displayModeBar": False})
    return cue
