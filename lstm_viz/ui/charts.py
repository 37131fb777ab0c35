"""Showing a figure: themed for the screen or the projector, never restyled by Streamlit (``theme=None``)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ..figures import apply_theme
from ..figures.theme import current_mode

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"], "scrollZoom": False}
PRESENTATION_HEIGHT_SCALE = 1.25  # projector text is ~1.5x larger; the figure grows a little so it still fits


def show(fig: go.Figure, key: str, mode: str = "screen", height: int | None = None) -> None:
    """Theme ``fig`` for ``mode`` and draw it full width under the stable ``key``."""
    if current_mode(fig) != mode:  # figures arrive themed for the screen; re-theming costs ~0.1 s
        apply_theme(fig, mode)
    if height is not None:
        fig.update_layout(height=int(height * (PRESENTATION_HEIGHT_SCALE if mode == "presentation" else 1)))
    st.plotly_chart(fig, theme=None, key=key, config=PLOTLY_CONFIG, width="stretch")
