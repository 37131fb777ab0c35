"""View 4: the equations of one step with the focused unit's numbers substituted (st.latex)."""

from __future__ import annotations

import streamlit as st

from ...figures import lstm_equations, rnn_equations
from ..context import Context
from ..markup import code

LABEL = "④ Equations"
USES_STEP = True
NOTES = (
    "The same step as numbers: every line has this step's values substituted for the focused unit. "
    "Check that c_t = f·c₍ₜ₋₁₎ + i·g: nothing else ever changes the LSTM's memory, while the RNN "
    "rewrites its whole state through tanh at every step."
)

RNN_NOTES = (
    "The same step as numbers: every line has this step's values substituted for the focused unit. "
    "h_t = tanh(W_ih x_t + W_hh h₍ₜ₋₁₎ + b): the RNN's whole memory passes through W_hh and tanh at every step, "
    "with no path that keeps a value unchanged."
)


NAMES = (
    "W, U and b are the focused unit's rows of PyTorch's weight_ih, weight_hh (W_hh, what the recurrent-scale knob "
    "multiplies) and bias_ih + bias_hh; a subscript names the gate (W_f: the forget gate's rows)."
)


def render(ctx: Context) -> None:
    st.caption(NAMES)
    for model in ctx.models:  # one under the other: an LSTM line with its numbers needs the full width
        unit = ctx.unit(model)
        st.markdown(f"**{ctx.label(model)}**, unit {unit}, step t = {ctx.t}, x_t = {code(ctx.x_label)}")
        make = lstm_equations if model == "lstm" else rnn_equations
        for line in make(ctx.lesson.params(model), ctx.lesson.trace(model), ctx.t, unit):
            st.latex(line)
