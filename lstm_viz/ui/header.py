"""The page header: what this lesson is, where its weights come from, and its story (on request).

On a projector only the title stays on top; the details and the story move below the view.
"""

from __future__ import annotations

import streamlit as st

from ..lesson import MODEL_LABELS, Lesson
from ..scenario import Scenario
from . import APP_TITLE
from .markup import plain
from .upload import weights as uploaded_weights

HEADINGS = {"lstm": APP_TITLE, "rnn": "Vanilla RNN, step by step", "both": "LSTM vs vanilla RNN, step by step"}


def title(scenario: Scenario, lesson: Lesson) -> None:
    if scenario.presentation:
        st.markdown(f"#### {plain(lesson.title)}")
        return
    st.markdown(f"### {HEADINGS[scenario.model]} · {plain(lesson.title)}")  # the network on screen, not always LSTM
    details(scenario, lesson)


def details(scenario: Scenario, lesson: Lesson) -> None:
    """Sizes, where the weights come from, and the lesson's story in an expander."""
    uploaded = uploaded_weights() if scenario.weights == "upload" else None
    named = {uploaded.params.kind: f"uploaded {plain(uploaded.name)}"} if uploaded else {}  # which file, of several
    sources = " · ".join(f"**{MODEL_LABELS[m]}**: {named.get(m, lesson.sources[m])}" for m in ("lstm", "rnn"))
    st.caption(f"T = {lesson.steps} step{'s' * (lesson.steps != 1)} · H = {lesson.hidden_size('lstm')} · {sources}")
    if scenario.weights == "upload" and uploaded_weights() is None:
        st.info("Choose a weights file (.npz) in the sidebar; until then both networks have random weights.")
    with st.expander("The story of this lesson", expanded=False):
        st.markdown(plain(lesson.story))
