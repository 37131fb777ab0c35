"""View 6: what the network remembers: the text coloured by a unit's state or gate, and input connectivity."""

from __future__ import annotations

import streamlit as st

from ...figures import connectivity_bars, text_heat
from ...figures.palette import GATE_NAMES
from ...scenario import COLOUR_BY
from .. import cache, state, upload
from ..charts import show
from ..context import Context

LABEL = "⑥ What it remembers"
USES_STEP = False
NOTES = (
    "Each character is coloured by what the focused unit holds after reading it: units that track something "
    "(a word, a quote, a count) show up as runs of colour. The bars below show how much each earlier input still "
    "moves the final output ‖∂y_T/∂x_t‖: where they drop to nothing, the network has forgotten."
)
NO_TEXT = (
    "Colouring characters needs text: choose the task “Next character” (weights Random or Pretrained) "
    "and type any text. Below, the steps are labelled with what each input stands for."
)
CONNECTIVITY_HEIGHT = 380
GATE_KEYS = ("i", "f", "o")  # in [0, 1]: a one-hue scale; the rest are signed


def render(ctx: Context) -> None:
    lesson = ctx.lesson
    model = ctx.models[0]
    options = COLOUR_BY if model == "lstm" else ("h",)
    key = state.seed("colour_by", ctx.scenario.colour_by if ctx.scenario.colour_by in options else "h")
    if st.session_state[key] not in options:
        st.session_state[key] = "h"
    colour_by = st.segmented_control(
        f"Colour by ({ctx.label(model)}, unit {ctx.unit(model)})", options, key=key, required=True,
        format_func=lambda k: f"{k}  {GATE_NAMES[k]}",
    )  # fmt: skip
    if colour_by != ctx.scenario.colour_by:
        state.update(colour_by=colour_by)
    if lesson.chars is None:
        st.caption(NO_TEXT)
    chars = lesson.chars if lesson.chars is not None else lesson.x_labels
    values = getattr(lesson.trace(model), colour_by)[:, ctx.unit(model)]
    scale = "gate" if colour_by in GATE_KEYS else "signed"
    title = f"{ctx.label(model)} unit {ctx.unit(model)}: {GATE_NAMES[colour_by]} {colour_by} after each input"
    show(text_heat(chars, values, title=title, scale=scale, value_name=colour_by), "memory.text", ctx.mode)
    flows = cache.connectivity(ctx.scenario, lesson, upload.weights())
    bars = connectivity_bars({ctx.label(m): flows[m].norm for m in ("lstm", "rnn")}, labels=chars)
    show(bars, "memory.connectivity", ctx.mode, CONNECTIVITY_HEIGHT)
    st.caption(f"y_T: {flows['lstm'].readout} (LSTM) · {flows['rnn'].readout} (RNN).")
