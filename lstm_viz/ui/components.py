"""The app's own browser components: each a ``st.components.v2`` component whose JavaScript module is a file in
``ui/assets/`` (no iframe; it draws into the page's DOM, so the page's styles reach it)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

ASSETS = Path(__file__).parent / "assets"


def asset_component(name: str, script: str):
    """The component ``name`` running ``assets/<script>``; call the result to mount one (key=, data=, ...)."""
    return st.components.v2.component(name, js=(ASSETS / script).read_text(), isolate_styles=False)
