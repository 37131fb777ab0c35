"""A link shown as text with a Copy button (a ``st.components.v2`` component, assets/link_box.js).

``st.code`` shows text with a copy button too, but the browser then loads Streamlit's syntax highlighter:
measured 0.4–0.7 s of CPU on every page load, for every student who opens the classroom link.
"""

from __future__ import annotations

from .components import asset_component

COMPONENT = "lstm_viz.link_box"
_mount = asset_component(COMPONENT, "link_box.js")


def link_box(link: str, key: str) -> None:
    """Show ``link`` as text (never as HTML) with a button that copies it to the clipboard."""
    _mount(key=key, data=link.encode())  # bytes: Streamlit forwards them untouched (see live_chart.payload)
