"""The step controls above the time views: ◀, the step slider, ▶, and what x_t stands for; the page's step
keys (→ ← and a presentation clicker's Page Down / Page Up) press ◀ ▶ (assets/step_keys.js)."""

from __future__ import annotations

import streamlit as st

from ..lesson import Lesson
from ..scenario import Scenario
from . import state
from .components import asset_component
from .markup import code

STEP = "step"
KEYS_HELP = "{} step: also {} or a presentation clicker's {}, wherever the page has the focus"
_step_keys = asset_component("lstm_viz.step_keys", "step_keys.js")


def _move(delta: int, steps: int) -> None:
    key = state.widget_key(STEP)
    st.session_state[key] = min(max(int(st.session_state.get(key, 0)) + delta, 0), steps - 1)


def follow(frame: str) -> None:
    """A callback: the belt's own animation stopped at step ``frame`` (▶ played on, ❚❚, its slider), so the
    page's step follows it (else the next › jumped back to the step before ▶)."""
    if frame.isdigit():
        st.session_state[state.widget_key(STEP)] = int(frame)  # clamped by render


def render(scenario: Scenario, lesson: Lesson) -> int:
    """Draw the controls (unless a classroom link hides them) and return the step t to show."""
    steps = lesson.steps
    key = state.seed(STEP)
    st.session_state[key] = min(max(int(st.session_state[key]), 0), steps - 1)
    if "step" not in scenario.hide and steps > 1:
        back, slider, forward, shows = st.columns([0.6, 7, 0.6, 3.2], vertical_alignment="center")
        # Labelled for screen readers (an icon-only button is read as "chevron_left icon"); style.BASE_CSS hides
        # the words on screen, where the arrow says it.
        back.button("Previous step", icon=":material/chevron_left:", key="step.back", on_click=_move,
                    args=(-1, steps), width="stretch", help=KEYS_HELP.format("Previous", "←", "Page Up"))  # fmt: skip
        slider.slider("Step t", 0, steps - 1, key=key, label_visibility="collapsed")
        forward.button("Next step", icon=":material/chevron_right:", key="step.forward", on_click=_move,
                       args=(1, steps), width="stretch", help=KEYS_HELP.format("Next", "→", "Page Down"))  # fmt: skip
        t = int(st.session_state[key])
        shows.markdown(f"**t = {t}** (0–{steps - 1}) · x_t = {code(lesson.x_labels[t])}")  # "of 119" misread T
        with shows:
            _step_keys(key="step.keys", height=0)  # not shown (style.BASE_CSS): it only listens
    t = int(st.session_state[key])
    if t != state.current().step:
        state.update(step=t)
    return t
