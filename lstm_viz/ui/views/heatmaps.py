"""View 3: units × time heatmaps of every gate and state, with a cursor at the current step."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ...figures import gate_heatmaps
from ..charts import show
from ..context import Context

LABEL = "③ Heatmaps"
USES_STEP = True
NOTES = (
    "Each row is one quantity, each line of pixels one unit, and time runs left to right. Look for units whose "
    "forget gate stays dark (f near 1) for long stretches: they are holding memory. Vertical stripes are every "
    "unit reacting to the same input."
)
RNN_NOTES = (
    "Each row is one quantity (the pre-activation a, then h = tanh a), each line of pixels one unit, and time runs "
    "left to right. Watch how fast a unit's colour after an input fades or flips: every step rewrites the RNN's "
    "whole state, so what it saw long ago is soon overwritten."
)
ROW_HEIGHT = {"lstm": 140, "rnn": 170}  # px per quantity row
MIN_HEIGHT = 360


def render(ctx: Context) -> None:
    columns = st.columns(len(ctx.models), gap="medium")
    for column, model in zip(columns, ctx.models, strict=True):
        with column:
            if len(ctx.models) > 1:
                st.markdown(f"**{ctx.label(model)}**")
            rows = 6 if model == "lstm" else 2
            height = max(MIN_HEIGHT, ROW_HEIGHT[model] * rows)
            trace = ctx.lesson.trace(model)
            show(partial(gate_heatmaps, trace, t=ctx.t), f"heatmaps.{model}", ctx, (ctx.t,), height)
