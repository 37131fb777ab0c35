"""The session's state: the last good scenario, the widgets that edit it, and the URL that mirrors it.

Every widget that edits a scenario field has the key ``"w." + field``. Widgets are seeded from the
scenario before they are drawn (never through ``value=``), so a widget that was hidden for a while
comes back showing the scenario, not its default. A candidate scenario replaces the last good one only
once it has been validated (:class:`Scenario`) *and* its lesson built, so bad input never loses a lesson.
"""

from __future__ import annotations

from dataclasses import asdict

import streamlit as st

from ..scenario import Scenario

SCENARIO = "scenario"  # session key of the last good Scenario
URL_ERROR = "url_error"  # the message for a URL that did not parse, shown once
RESTORE = "restore_widgets"  # ({field: value}, [message]): refused controls set back at the next run's start
WIDGET_PREFIX = "w."


def widget_key(field: str) -> str:
    return WIDGET_PREFIX + field


def start() -> Scenario:
    """The session's scenario; on the first run it is read from the URL (falling back to the default)."""
    if SCENARIO not in st.session_state:
        try:
            scenario = Scenario.from_query(st.query_params.to_dict())
        except ValueError as exc:
            st.session_state[URL_ERROR] = (
                f"This link could not be opened as a lesson: {exc} Showing the default lesson."
            )
            scenario = Scenario()
        st.session_state[SCENARIO] = scenario
    return st.session_state[SCENARIO]


def current() -> Scenario:
    return st.session_state[SCENARIO]


def seed(field: str, value=None) -> str:
    """Give the widget of ``field`` the scenario's value if it has none yet; returns the widget key."""
    key = widget_key(field)
    if key not in st.session_state:
        st.session_state[key] = getattr(current(), field) if value is None else value
    return key


def set_widget(field: str, value) -> None:
    """Change a widget's value from a callback (before the widgets are drawn again)."""
    st.session_state[widget_key(field)] = value


def widget_value(field: str, default=None):
    return st.session_state.get(widget_key(field), default)


def candidate(values: dict) -> Scenario:
    """The current scenario with ``values`` changed, validated; raises ValueError (nothing is stored)."""
    return Scenario(**{**asdict(current()), **values})


def accept(scenario: Scenario) -> None:
    """Make ``scenario`` the last good one (call once its lesson has been built)."""
    st.session_state[SCENARIO] = scenario


def update(**changes) -> Scenario:
    """Store a small change of viewing fields (step, unit, view ...) right away and mirror it in the URL."""
    scenario = current().replace(**changes)
    accept(scenario)
    query = scenario.to_query()
    for field in changes:
        key = Scenario.query_key(field)
        if key in query and st.query_params.get(key) != query[key]:
            st.query_params[key] = query[key]
    return scenario


def sync_url(scenario: Scenario) -> None:
    """Mirror the whole scenario in the query string (only when it changed, so no needless browser update)."""
    query = scenario.to_query()
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def pop_url_error() -> str | None:
    return st.session_state.pop(URL_ERROR, None)


def restore_widgets(values: dict, messages: list[str]) -> None:
    """Set these widgets back to ``values`` before the next run draws them, and show ``messages`` in that run.

    A widget cannot be changed once drawn in a run, so a refused control (and what its callback changed with
    it) is set back by a rerun: it then shows the value in use, not the one refused.
    """
    st.session_state[RESTORE] = (values, messages)
    st.rerun()


def pop_restored() -> list[str]:
    """Apply a pending :func:`restore_widgets` (call before any widget is drawn); returns its messages."""
    values, messages = st.session_state.pop(RESTORE, ({}, []))
    for field, value in values.items():
        set_widget(field, value)
    return messages
