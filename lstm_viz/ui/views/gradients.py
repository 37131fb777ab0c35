"""View 5: gradients through time: how far back a loss at the last step reaches, LSTM against vanilla RNN."""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from ...figures import decay_readout, gradient_flow_figure
from ...figures.gradients import cell_readout
from .. import cache
from ..charts import show
from ..context import Context

LABEL = "⑤ Gradients"
USES_STEP = False
NOTES = (
    "How strongly does a loss at the last step reach back to each earlier step? On this log scale a straight line "
    "is a constant factor per step (where the curve is no line, e.g. a staircase of resets, the readout says so "
    "instead of giving a rate): the RNN's gradient shrinks (or grows) geometrically, while the LSTM's cell "
    "path is multiplied by its forget gate f each step, so it is carried almost undamped only where f is near 1. "
    "With random weights and forget-gate bias 0, f ≈ 0.5 and the LSTM fades too: turn the forget-gate bias up to "
    "+3 (f ≈ 0.95) and watch its lines flatten; move the recurrent scale and watch the RNN's tilt."
)
LOSS_NOTE = (  # core.gradient_flow: L = u · h_T with u the unit vector of equal entries
    "The loss is L = (h_T,1 + … + h_T,H) / √H: every unit of the last hidden state counts the same, and "
    "‖∂L/∂h_T‖ = 1, so the ‖∂L/∂h_t‖ curves start at 1 (lag 0) and read as the share of the gradient left after "
    "each step back."
)
FIGURE_HEIGHT = 480
MODELS = ("lstm", "rnn")


def render(ctx: Context) -> None:
    flows = cache.gradient_flows(ctx.lesson)
    labelled = {ctx.label(m): flows[m] for m in MODELS}
    show(partial(gradient_flow_figure, labelled), "gradients.flow", ctx, (), FIGURE_HEIGHT)
    st.caption(LOSS_NOTE)
    left, right = st.columns(2, gap="large")
    left.markdown(decay_readout(flows["lstm"]))
    if np.isfinite(flows["lstm"].decay_rate()):  # else the line above already gives the cell path's rate
        left.markdown(cell_readout(flows["lstm"]))
    left.caption(f"Forget-gate bias knob: {ctx.scenario.forget_bias:+.1f} (added to b_f).")
    right.markdown(decay_readout(flows["rnn"]))
    rho = ctx.lesson.rnn.spectral_radius()
    right.caption(
        f"The RNN's W_hh has spectral radius ρ = {rho:.3f}: above 1 its gradient can explode, below 1 it fades."
    )
