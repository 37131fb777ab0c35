"""The Streamlit app: ``main.run`` is what ``streamlit run app.py`` calls; ``page`` draws the page."""

APP_TITLE = "LSTM, step by step"
