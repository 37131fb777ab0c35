"""View 2: the conveyor belt: the focused unit's cell state over the whole sequence, animated in the browser."""

from __future__ import annotations

import streamlit as st

from ...figures import conveyor_belt, gate_heatmaps
from ..charts import show
from ..context import Context

LABEL = "② Conveyor belt"
USES_STEP = True
NOTES = (
    "The cell state rides the belt from step to step and changes only where the forget gate lets go (f well below 1) "
    "or the input gate writes (i·g far from 0). Press ▶ play in the chart, then pause: long flat stretches are "
    "memory being held. The step slider above moves the belt when it is paused."
)
RNN_NOTE = (
    "A vanilla RNN has no belt: its only memory is h, recomputed from scratch at every step. "
    "Here is its h (and pre-activation a) over time for comparison."
)
BELT_HEIGHT = 560
RNN_HEIGHT = 360


def render(ctx: Context) -> None:
    if "lstm" in ctx.models:
        fig = conveyor_belt(ctx.lesson.lstm_trace, ctx.unit("lstm"), t=ctx.t, animate=True, x_labels=ctx.lesson.x_labels)
        show(fig, "belt.lstm", ctx.mode, height=BELT_HEIGHT)
    if "rnn" in ctx.models:
        st.caption(RNN_NOTE)
        show(gate_heatmaps(ctx.lesson.rnn_trace, t=ctx.t), "belt.rnn", ctx.mode, height=RNN_HEIGHT)
