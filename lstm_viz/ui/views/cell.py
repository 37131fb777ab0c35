"""View 1: the cell at step t: the live cell diagram of the focused unit and the bars of every unit."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ...figures import cell_diagram, gate_bars
from ..charts import show
from ..context import Context

LABEL = "① Cell at step t"
USES_STEP = True
NOTES = (
    "Follow the top line: it is the cell state c, the LSTM's memory. The forget gate f decides how much of "
    "c₍ₜ₋₁₎ is kept, the input gate i how much of the candidate g is written, and the output gate o how much "
    "of tanh(c) leaves as h. Step with ◀ ▶ (or → ←) and watch which gates open at the steps that matter."
)
RNN_NOTES = (  # "what to look at" when only the RNN is shown (NOTES follow the LSTM's cell)
    "The bars show every unit of the vanilla RNN at this step: its pre-activation a = W_ih x_t + W_hh h₍ₜ₋₁₎ + b "
    "and its state h = tanh(a). Step with ◀ ▶ (or → ←) and watch h being recomputed at every step: nothing "
    "carries a value across steps except h itself, squashed again each time."
)
RNN_NOTE = (
    "A vanilla RNN has no gates and no cell: each step computes h_t = tanh(W_ih x_t + W_hh h₍ₜ₋₁₎ + b), "
    "so everything it remembers must survive being squashed and mixed again at every step."
)
BARS_HEIGHT = 520
PROJECTOR_DIAGRAM_HEIGHT = 560  # ×1.25 on a projector: the diagram then spans the width of a 1280-px screen
RNN_BARS_HEIGHT = 300


def render(ctx: Context) -> None:
    # The diagram always gets the full width: its labels are fixed-size text, and in a column of a
    # 1280-px screen they would overlap the blocks they name.
    if "lstm" in ctx.models:
        _diagram(ctx)
    if ctx.models == ("rnn",):
        st.caption(RNN_NOTE)
    if len(ctx.models) == 1:
        _bars(ctx, ctx.models[0])
        return
    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown("**LSTM**")
        _bars(ctx, "lstm")
    with right:
        st.markdown("**Vanilla RNN**")
        st.caption(RNN_NOTE)
        _bars(ctx, "rnn")


def _diagram(ctx: Context) -> None:
    t, unit = ctx.t, ctx.unit("lstm")
    height = PROJECTOR_DIAGRAM_HEIGHT if ctx.mode == "presentation" else None  # bigger blocks for bigger text
    diagram = partial(cell_diagram, ctx.lesson.lstm_trace, t, unit, x_label=ctx.x_label)
    show(diagram, "cell.diagram", ctx, (t, unit), height)


def _bars(ctx: Context, model: str) -> None:
    t, unit = ctx.t, ctx.unit(model)
    height = BARS_HEIGHT if model == "lstm" else RNN_BARS_HEIGHT
    show(partial(gate_bars, ctx.lesson.trace(model), t, focus_unit=unit), f"cell.bars.{model}", ctx, (t, unit), height)
