"""View 2: the conveyor belt: the focused unit's cell state over the whole sequence, animated in the browser."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ...figures import conveyor_belt, gate_heatmaps
from .. import stepper
from ..charts import show, show_at_frame
from ..context import Context

LABEL = "② Conveyor belt"
USES_STEP = True
NOTES = (
    "The cell state rides the belt from step to step and changes only where the forget gate lets go (f well below 1) "
    "or the input gate writes (i·g far from 0). Press ▶ play in the chart, then pause: long flat stretches are "
    "memory being held. The page's step t moves the belt too, and where you pause the belt the step follows."
)
RNN_NOTES = (
    "Look at how h moves: it is recomputed from the input and the previous h at every step, so a value seen "
    "earlier survives only as long as W_hh and tanh keep it. Show the LSTM (or Both) in the sidebar to see a cell "
    "state ride the belt."
)
RNN_NOTE = (
    "A vanilla RNN has no belt: its only memory is h, recomputed from scratch at every step. "
    "Here is its h (and pre-activation a) over time for comparison."
)
BELT_HEIGHT = 560
RNN_HEIGHT = 360
# ❚❚ pause (or a click on the belt's own slider) during ▶ play interrupts plotly.js's running Plotly.animate,
# and plotly.js rejects that call's promise (with no reason) and leaves the rejection unhandled: an
# "Uncaught (in promise) undefined" error in the browser console every time a student pauses. The pause
# itself works; this page-wide handler marks exactly that rejection as handled. Constant text, no user input.
ANIMATION_GUARD_KEY = "belt.animation_guard"
ANIMATION_GUARD_CSS = "<style>.st-key-belt-animation_guard { display: none; }</style>"  # takes no room
ANIMATION_GUARD = """
<script>
if (!window.lstmVizAnimationGuard) {
  window.lstmVizAnimationGuard = true;
  window.addEventListener("unhandledrejection", (event) => {
    const animated = Array.from(document.querySelectorAll(".js-plotly-plot")).some(
      (plot) => plot.layout && plot.layout.updatemenus && plot.layout.updatemenus.length);
    if (event.reason === undefined && animated) event.preventDefault();  // an interrupted animation, not a fault
  });
}
</script>
"""


def render_once() -> None:
    """Drawn by the full run, not at every step: the page-wide handler above, hidden."""
    st.html(ANIMATION_GUARD_CSS)
    with st.container(key=ANIMATION_GUARD_KEY):
        st.html(ANIMATION_GUARD, unsafe_allow_javascript=True)


def render(ctx: Context) -> None:
    t = ctx.t
    if "lstm" in ctx.models:
        unit = ctx.unit("lstm")
        belt = partial(conveyor_belt, ctx.lesson.lstm_trace, unit, animate=True, x_labels=ctx.lesson.x_labels)
        # One belt serves every step: moving the step slider moves its animation to that step's frame.
        if not show_at_frame(belt, "belt.lstm", ctx, (unit,), str(t), BELT_HEIGHT, on_frame=stepper.follow):
            show(partial(belt, t=t), "belt.lstm", ctx, (t, unit), BELT_HEIGHT)  # a long sequence without a frame at t
    if "rnn" in ctx.models:
        st.caption(RNN_NOTE)
        show(partial(gate_heatmaps, ctx.lesson.rnn_trace, t=t), "belt.rnn", ctx, (t,), RNN_HEIGHT)
