"""The page header: what this lesson is, where its weights come from, and its story (on request)."""

from __future__ import annotations

import streamlit as st

from ..scenario import Scenario
from .lesson import MODEL_LABELS, Lesson
from .upload import weights as uploaded_weights

APP_TITLE = "LSTM, step by step"


def render(scenario: Scenario, lesson: Lesson) -> None:
    st.markdown(f"### {APP_TITLE} · {_plain(lesson.title)}")
    sources = " · ".join(f"**{MODEL_LABELS[m]}**: {lesson.sources[m]}" for m in ("lstm", "rnn"))
    st.caption(f"T = {lesson.steps} steps · H = {lesson.hidden_size('lstm')} · {sources}")
    if scenario.weights == "upload" and uploaded_weights() is None:
        st.info("Choose a weights file (.npz) in the sidebar; until then both networks have random weights.")
    with st.expander("The story of this lesson", expanded=False):
        st.markdown(_plain(lesson.story))


def _plain(text: str) -> str:
    """Text shown as written: Markdown's special characters are escaped (a typed text may hold any of them)."""
    specials = "\\`*_{}[]()#+-.!|<>$~"
    return "".join("\\" + ch if ch in specials else ch for ch in text)
