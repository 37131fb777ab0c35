"""The classroom link: this exact scenario as a URL, with the controls the teacher chose hidden,
and the scenario as JSON for the export script."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from ..scenario import HIDEABLE, Scenario
from .link_box import link_box
from .sidebar import HIDE_LABELS

LOCAL_URL = "http://localhost:8501/"  # when the page's own address is unknown (tests, bare mode)
HIDE_KEY = "classroom.hide"


def classroom_link(base_url: str, scenario: Scenario, hide=()) -> str:
    """``base_url`` (any query dropped) with the scenario's query string, hiding ``hide``."""
    parts = urlsplit(base_url or LOCAL_URL)
    query = urlencode(scenario.replace(hide=tuple(hide)).to_query())
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


def render(scenario: Scenario) -> None:
    with st.sidebar.expander("Classroom link", expanded=False):
        hide = st.multiselect(
            "Hide for students", list(HIDEABLE), format_func=HIDE_LABELS.get, key=HIDE_KEY,
            help="Students who open the link see this exact view, without these controls.",
        )  # fmt: skip
        link = classroom_link(_page_url(), scenario, hide)
        link_box(link, key="classroom.link")
        st.link_button("Open the link", link, width="stretch")
        # Made on click: bytes would become a media file per run, and a student typing fast makes runs
        # replace it before the browser has checked its address (a 404 in the console).
        st.download_button(
            "Scenario as JSON", scenario.to_json, file_name="scenario.json", mime="application/json",
            help="For the export script: --scenario scenario.json", width="stretch", on_click="ignore",
        )  # fmt: skip


def _page_url() -> str:
    try:
        return st.context.url or LOCAL_URL
    except Exception:  # no browser connection (bare mode): any address will do for the preview
        return LOCAL_URL
