"""Names vulture cannot see used (read by `make lint`; each line says why it is alive)."""
# ruff: noqa: B018, F821
mtime_ns  # components/maps.py: a cache-key argument, read by st.cache_data's hashing, not by the body
font, data_type, freeze_panes, comment  # openpyxl cell and sheet attributes set for their side effect
SEVERITIES  # data/status.py: the registry the i18n test checks every severity label against
reconciles  # geo/allocation.py: the reconciliation invariant (map + national + unallocated = total)
# Pending deletion once the intake rebuild (issue 11) and the exports (issue 15) land: dead today.
SHARED_NAMES, PLACE_COLUMNS, ENCODINGS, read_table_file, parse_date_text
list_versions, TEMPLATE_INFO_SHEETS, example_rows
# bench/naive.py: the oracle of tests/geo/test_allocation_fast.py
naive_allocate, naive_by_unit, naive_allocate_all_territories
# python-pptx properties, set for their effect on the written file (briefing/pptx_pack.py)
word_wrap, vertical_anchor, alignment, space_after, rgb, slide_width, slide_height, language
check_project  # data/status.py: one project's findings, the form tests/data/test_status.py states rules in
query_string, page_name  # bench/load.py: protobuf fields of the rerun request, set for their effect
