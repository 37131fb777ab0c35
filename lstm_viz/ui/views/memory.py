"""View 6: what the network remembers: the text coloured by a unit's state or gate, and input connectivity."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ...export.lesson_figures import unit_text_heat
from ...figures import connectivity_bars
from ...figures.palette import GATE_NAMES
from ...scenario import COLOUR_BY
from .. import cache, state
from ..charts import show
from ..context import Context

LABEL = "⑥ Memory"
USES_STEP = False
NOTES = (
    "Each character is coloured by what the focused unit holds after reading it: units that track something "
    "(a word, a quote, a count) show up as runs of colour. The bars below show how much each earlier input still "
    "moves the final output ‖∂y_T/∂x_t‖: where they drop to nothing, the network has forgotten."
)
NO_TEXT = (
    "Colouring characters needs text: choose the task “Next character”, with Pretrained weights (trained on "
    "its sentence) or Random weights (then type any text). Here each step shows as one symbol: • a step, "
    "★ a marked one (a one-character input as itself)."
)
CONNECTIVITY_HEIGHT = 380
MODELS = ("lstm", "rnn")
RNN_COLOUR_KEY = "memory.colour_by.rnn"  # not a scenario field: an RNN is always coloured by h
MARK = "•"
MARKED = "★"  # a marked step, as the tasks write it ("★marker"; DejaVu draws ✚ as a plain "+")
MARKER_WORD = "marker"  # how a task's step label says the step is marked ("0.42 ★marker", "C ★marker")


def glyphs(labels) -> list[str]:
    """One character per step for inputs that are not text: a one-character label as it is ("·", "a"),
    a marked value ("0.42 ★marker") as ★, anything else ("store 0.70", "0.42") as a bullet."""
    out = []
    for label in labels:
        bare = label[1:-1] if len(label) == 3 and label[0] == label[-1] == "'" else label
        out.append(bare if len(bare) == 1 else MARKED if MARKER_WORD in bare else MARK)
    return out


def _colour_control(ctx: Context, model: str) -> str:
    """The "Colour by" control; returns its choice. An RNN has only h: its control shows that alone and leaves
    the scenario's choice (c, say) as it was, so that going back to the LSTM colours by it again."""
    label = f"Colour by ({ctx.label(model)}, unit {ctx.unit(model)})"
    options = COLOUR_BY if model == "lstm" else ("h",)
    key = state.seed("colour_by") if model == "lstm" else RNN_COLOUR_KEY
    if model == "rnn":
        st.session_state[key] = "h"
    colour_by = st.segmented_control(
        label, options, key=key, required=True, format_func=lambda k: f"{k}  {GATE_NAMES[k]}"
    )
    if model == "lstm" and colour_by != ctx.scenario.colour_by:
        state.update(colour_by=colour_by)
    return colour_by


def render(ctx: Context) -> None:
    lesson = ctx.lesson
    model = ctx.models[0]
    colour_by = _colour_control(ctx, model)
    if lesson.chars is None:
        st.caption(NO_TEXT)
    text = lesson.chars is not None
    chars = lesson.chars if text else glyphs(lesson.x_labels)
    unit = ctx.unit(model)
    said = None if text else lesson.x_labels  # the hover says what a • stood for ("step 3 0.42 ★marker")
    heat = partial(unit_text_heat, lesson, model, unit, colour_by, chars, said)
    show(heat, "memory.text", ctx, (model, unit, colour_by))
    flows = cache.connectivity(lesson)
    norms = {ctx.label(m): flows[m].norm for m in MODELS}
    bars = partial(connectivity_bars, norms, labels=chars if text else None)  # glyphs as ticks say nothing: numbers
    show(bars, "memory.connectivity", ctx, (), CONNECTIVITY_HEIGHT)
    readouts = {flows[m].readout for m in MODELS}
    if len(readouts) == 1:
        st.caption(f"y_T, for both networks: {readouts.pop()}.")
    else:
        st.caption(f"y_T: {flows['lstm'].readout} (LSTM) · {flows['rnn'].readout} (RNN).")
