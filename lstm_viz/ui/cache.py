"""The app's caches: every heavy result keyed by the scenario's text, bounded in count and age.

Lessons built on an uploaded file are cached per session only (``scope="session"``), keyed by the file's
digest: an upload never leaves the session that made it. Cached values are copied out by
``st.cache_data`` on every hit, so no session can change what another one sees.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from ..export import analyses
from ..lesson import Lesson, build_lesson
from ..scenario import Scenario

TTL = 3600  # seconds: a "1h" string makes Streamlit import pandas to parse it, ~0.3 s of the first page
LESSONS = 32  # distinct scenarios kept: a class clicking through a lesson's presets and tasks
LESSONS_BYTES = "256MB"  # a T = 2000, H = 64 lesson pickles to ~25 MB
ANALYSES = 32
UPLOAD_LESSONS = 4  # per session


def lesson_key(s: Scenario) -> str:
    """The fields that change the networks or the input (not the step, unit, view or look)."""
    return s.replace(step=0, unit=0, view="cell", colour_by="c", presentation=False, notes=True, hide=()).to_json()


@st.cache_data(max_entries=LESSONS, max_size=LESSONS_BYTES, ttl=TTL, show_spinner=False)
def _shared_lesson(key: str) -> Lesson:
    return replace(build_lesson(Scenario.from_json(key)), key=key)


@st.cache_data(max_entries=UPLOAD_LESSONS, ttl=TTL, show_spinner=False, scope="session")
def _uploaded_lesson(key: str, digest: str, _params) -> Lesson:
    return replace(build_lesson(Scenario.from_json(key), uploaded=_params), key=f"{key}|{digest}", private=True)


def lesson(s: Scenario, uploaded=None) -> Lesson:
    """The lesson of ``s``; ``uploaded`` is this session's UploadedWeights (used when ``s.weights == "upload"``)."""
    if s.weights == "upload" and uploaded is not None:
        return _uploaded_lesson(lesson_key(s), uploaded.digest, uploaded.params)
    return _shared_lesson(lesson_key(s))


def _flows(lesson_: Lesson) -> dict:
    # No Jacobian norms (T·H³ work): the gradient view draws ‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ only.
    return analyses.gradient_flows(lesson_, jacobian=False)


@st.cache_data(max_entries=ANALYSES, ttl=TTL, show_spinner="Backpropagating through time…")
def _shared_flows(key: str, _lesson: Lesson) -> dict:
    return _flows(_lesson)


@st.cache_data(max_entries=UPLOAD_LESSONS, ttl=TTL, show_spinner="Backpropagating through time…", scope="session")
def _private_flows(key: str, _lesson: Lesson) -> dict:
    return _flows(_lesson)


def gradient_flows(lesson_: Lesson) -> dict:
    """{"lstm": GradientFlow, "rnn": GradientFlow} for a loss at the last step of the lesson's input."""
    return (_private_flows if lesson_.private else _shared_flows)(lesson_.key, lesson_)


def _connectivity(lesson_: Lesson) -> dict:
    return analyses.connectivities(lesson_)


@st.cache_data(max_entries=ANALYSES, ttl=TTL, show_spinner="Measuring what each input still moves…")
def _shared_connectivity(key: str, _lesson: Lesson) -> dict:
    return _connectivity(_lesson)


@st.cache_data(max_entries=UPLOAD_LESSONS, ttl=TTL, show_spinner=False, scope="session")
def _private_connectivity(key: str, _lesson: Lesson) -> dict:
    return _connectivity(_lesson)


def connectivity(lesson_: Lesson) -> dict:
    """{"lstm": Connectivity, "rnn": Connectivity}: ‖∂y_T/∂x_t‖ for every step."""
    return (_private_connectivity if lesson_.private else _shared_connectivity)(lesson_.key, lesson_)
