"""Geography: province reference, boundaries and the allocation join (never imports streamlit)."""
