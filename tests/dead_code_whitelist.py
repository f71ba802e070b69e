"""Names vulture cannot see used (read by `make lint`): framework callbacks and library attributes, each with why."""
# ruff: noqa: B018, F821
mtime_ns  # components/maps.py: a cache-key argument, read by st.cache_data's hashing, not by the body
data_type, freeze_panes, comment, number_format  # openpyxl cell and sheet attributes set for their side effect
# python-pptx properties, set for their effect on the written file (briefing/pptx_pack.py)
word_wrap, vertical_anchor, alignment, space_after, rgb, slide_width, slide_height, language
query_string, page_name  # bench/load.py: protobuf fields of the rerun request, set for their effect
_compute, _translate  # components/tables.py _styled: Styler methods set on the instance, called by Streamlit
_constructor  # components/tables.py _ShownFrame: pandas' subclass hook (what a derived frame is made as)
__getattr__  # data/intake/__init__.py: a module's attribute hook (PEP 562), called by Python on a missing name
