"""Briefings: facts, generated narrative, slides and PPTX/PDF packs (core: never imports Streamlit)."""
