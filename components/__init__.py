"""Streamlit building blocks: render_* functions and make_*_figure builders."""
