"""Page styling: a tighter top margin always, and large text in projector mode (constant CSS, no user text)."""

from __future__ import annotations

import streamlit as st

from ..scenario import Scenario

BASE_CSS = """
<style>
.block-container { padding-top: 3rem; padding-bottom: 1rem; }
/* the step buttons' words are for screen readers: on screen the arrow icon says it */
.st-key-step-back [data-testid="stMarkdownContainer"], .st-key-step-forward [data-testid="stMarkdownContainer"] {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap;
}
.st-key-step-keys { display: none; }
</style>
"""
PROJECTOR_CSS = """
<style>
html { font-size: 19px; }
.block-container { max-width: 100%; padding-left: 2rem; padding-right: 2rem; }
[data-testid="stSidebar"] { font-size: 0.9rem; }
</style>
"""


def apply(scenario: Scenario) -> None:
    st.html(BASE_CSS + (PROJECTOR_CSS if scenario.presentation else ""))
