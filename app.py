"""lstm_viz: an interactive, classroom-grade visualiser of how an LSTM works. Run: streamlit run app.py"""

from lstm_viz.ui.main import run

run()
