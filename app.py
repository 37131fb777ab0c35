"""lstm_viz: an interactive, classroom-grade visualiser of how an LSTM works. Run: streamlit run app.py"""

import streamlit as st

from lstm_viz.ui.main import run

st.set_page_config(page_title="LSTM, step by step", page_icon="🧠", layout="wide")
run()
