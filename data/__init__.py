"""Canonical portfolio data: schema, readers, validation, currency and metrics (never imports streamlit)."""
