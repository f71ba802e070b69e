"""Personal contact details in text cells are found; figures, dates and identifiers are not mistaken for them."""
import re

import pandas as pd
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from data.intake.privacy import find_contact, find_contact_details


def frame(notes: str) -> pd.DataFrame:
    return pd.DataFrame([{"project_id": "P-1", "title_en": "One", "notes": notes, "_row": 7}])


@pytest.mark.parametrize("notes, found", [
    ("contact: jean.dupont@example.org", "e-mail"),
    ("Focal point +243 81 234 5678", "phone"),
    ("tel. +32 2 555 12 34", "phone"),
    ("call 0812345678", "phone"),
    ("call 081 234 56 78", "phone"),
])
def test_contact_details_are_refused_with_row_and_column(notes, found):
    [problem] = find_contact_details("projects", frame(notes), "p.csv")
    assert (problem.file, problem.row, problem.column, problem.severity) == ("p.csv", 7, "notes", "error")
    assert found in problem.reason


@pytest.mark.parametrize("notes", [
    "EUR 12.5 million over 42 months", "12 500 000", "2019-2020 relocations", "PRIMA CD10P0001",
    "more than 3,000 households", "CE.0276", "agreement of 14/12/2021", "+12%", "",
])
def test_ordinary_text_is_not_taken_for_contact_details(notes):
    assert find_contact_details("projects", frame(notes), "p.csv") == []


def test_numeric_columns_are_not_searched():
    funding = pd.DataFrame([{"flow_id": "F", "project_id": "P", "amount": "+243812345678", "_row": 2}])
    assert find_contact_details("funding", funding, "f.csv") == []


# ------------------------------------------------------------------ DRC formats, obfuscated e-mails, property tests

@pytest.mark.parametrize("text", [
    "00243 81 234 5678", "243812345678", "243 97 123 45 67", "0 812 345 678", "+243 (0)81 234 5678",
    "tél. 099-876-54-32", "０８１２３４５６７８", "call 0812345678 or 0998765432",
])
def test_drc_phone_formats_from_the_issue(text):
    assert find_contact(text) == "phone"


@pytest.mark.parametrize("text", [
    "jean.dupont [at] iom.int", "jean.dupont＠iom.int", "jean.dupont (at) iom (dot) int", "jean.dupont @ iom.int",
    "jean dot dupont at iom dot int", "jean.dupont{at}iom.int", "jean.dupont arobase iom.int", "j.d﹫iom.int",
])
def test_obfuscated_emails_from_the_issue(text):
    assert find_contact(text) == "e-mail"


MOBILE_PREFIXES = ("81", "82", "83", "84", "85", "89", "90", "91", "97", "98", "99")
SEPARATORS = ("", " ", ".", "-")
GROUPINGS = ((2, 3, 4), (2, 3, 2, 2), (3, 3, 3), (9,), (2, 7), (2, 2, 2, 3))
PREFIXES = ("+243", "+243 ", "00243", "00243 ", "243", "243 ", "0", "0 ", "+243 (0)", "(0)")


def grouped(digits: str, groups: tuple[int, ...], sep: str) -> str:
    out, i = [], 0
    for size in groups:
        out.append(digits[i:i + size])
        i += size
    return sep.join(out)


@settings(max_examples=300, deadline=None)
@given(prefix=st.sampled_from(MOBILE_PREFIXES), rest=st.text("0123456789", min_size=7, max_size=7),
       lead=st.sampled_from(PREFIXES), sep=st.sampled_from(SEPARATORS), groups=st.sampled_from(GROUPINGS),
       before=st.sampled_from(["", "Tel: ", "contact ", "(", "focal point "]),
       after=st.sampled_from(["", ".", " (WhatsApp)", ")", "; Goma"]))
def test_every_drc_mobile_format_is_found(prefix, rest, lead, sep, groups, before, after):
    number = lead + grouped(prefix + rest, groups, sep)
    # "243 812 345 678" written in thousands is an amount as much as a number: only +243 / 00243 say phone there.
    assume(not re.fullmatch(r"243([ .])\d{3}\1\d{3}\1\d{3}", number))
    assert find_contact(before + number + after) == "phone", number


LOCAL = st.from_regex(r"[a-z][a-z0-9]{0,8}(\.[a-z][a-z0-9]{0,8})?", fullmatch=True)
DOMAIN = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True)
AT_FORMS = ("@", "＠", " [at] ", "[at]", " (at) ", " {at} ", " @ ", " arobase ", " (@) ", " at ")
DOT_FORMS = (".", " [dot] ", " (dot) ", " dot ", "[.]")


@settings(max_examples=300, deadline=None)
@given(local=LOCAL, domain=DOMAIN, tld=st.sampled_from(["int", "org", "cd", "com", "be"]),
       at=st.sampled_from(AT_FORMS), dot=st.sampled_from(DOT_FORMS),
       before=st.sampled_from(["", "contact: ", "écrire à "]), after=st.sampled_from(["", ".", " merci"]))
def test_obfuscated_emails_are_found(local, domain, tld, at, dot, before, after):
    if at == " at " and dot != ".":  # "name at domain dot org" is found only when its dots are spelled alike
        dot = " dot "
    address = local + at + domain + dot + tld
    assert find_contact(before + address + after) == "e-mail", address


# Negatives: amounts, dates, P-codes and IATI identifiers are never taken for contact details.
def amounts():
    # A signed figure is written with separators ("+12 500 000"): "+" then ten bare digits is a number to call.
    separators = st.sampled_from([(" ", ","), (",", "."), (".", ","), ("\u202f", ","), ("", ".")])
    return st.builds(lambda n, seps, cur, cents: (cur + format(n, ",").replace(",", seps[0])
                                                  + (seps[1] + cents if cents else "")),
                     st.integers(0, 999_999_999), separators,
                     st.sampled_from(["", "USD ", "EUR ", "$", "€", "+", "-", "CDF "]),
                     st.sampled_from(["", "00", "50"]))


def dates():
    return st.builds(lambda d, fmt: d.strftime(fmt), st.dates(),
                     st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%Y%m%d", "%d-%m-%Y", "%Y-%m",
                                      "%d %B %Y", "%Y"]))


PCODES = st.from_regex(r"CD[0-9]{2}([0-9]{2}([0-9]{3})?)?", fullmatch=True)
IATI_IDS = st.builds(lambda org, rest: f"{org}-{rest}",
                     st.sampled_from(["XM-DAC-47066", "NL-KVK-41160054", "GB-GOV-1", "SE-0-SE-6", "XM-DAC-41114",
                                      "DE-1", "US-GOV-1", "XI-IATI-EC_INTPA", "BE-BCE_KBO-0264814354"]),
                     st.from_regex(r"[A-Z0-9][A-Z0-9.\-_]{0,24}", fullmatch=True))


@settings(max_examples=400, deadline=None)
@given(value=st.one_of(amounts(), dates(), PCODES, IATI_IDS),
       context=st.sampled_from(["{}", "budget {} over 36 months", "{} (ref.)", "from {} to 2024", "{};{}"]))
def test_amounts_dates_pcodes_and_iati_ids_are_not_contact_details(value, context):
    text = context.format(value, value)
    assert find_contact(text) is None, text


@pytest.mark.parametrize("text", [
    "+12 500 000 since 2021", "+100000.00", "+1,250,000.50", "+12345678",
    "243 812 345 678 CDF", "243.812.345.678", "GB-GOV-1-300243812345678",
    "NL-KVK-41160054-0812345678", "XM-DAC-47066-CE.0276", "SE-0-SE-6-5401013701-COD-15220", "meeting at Goma. In 2021",
    "Focal point: the provincial office", "01.08.2021-31.12.2022", "CD7402", "agreed at 09:00 in Bunia",
])
def test_known_lookalikes_are_not_contact_details(text):
    assert find_contact(text) is None


# --- column by column == cell by cell ---------------------------------------------------------------------
# find_contact_details scans each distinct cell of a column once, and passes over batches of ASCII cells with one
# search; what every row gets must be what find_contact says about its own cell.

_CELL = st.sampled_from(["jean@example.org", "call 0812345678", "+32 2 555 12 34", "12 500 000", "CD7402", "at",
                         "x [at] y.org", "Project 12", "", " ", "０８１２３４５６７８", "a AT b.org", "1234",
                         "567"]) | \
    st.text(alphabet="0123456789 .-+()[]@atATrobse\n\x1c", max_size=14)


@settings(max_examples=150, deadline=None)
@given(notes=st.lists(_CELL, max_size=30), titles=st.lists(_CELL, max_size=30))
def test_a_column_is_scanned_as_each_of_its_cells_would_be(notes, titles):
    rows = max(len(notes), len(titles))
    table = pd.DataFrame({"project_id": [f"P-{i}" for i in range(rows)],
                          "title_en": pd.Series(titles + ["T"] * (rows - len(titles)), dtype=object),
                          "notes": pd.Series(notes + [None] * (rows - len(notes)), dtype=object),
                          "_row": range(5, rows + 5)})
    expected = [(row, column) for row, cells in enumerate(zip(table["title_en"], table["notes"]), start=5)
                for column, cell in zip(("title_en", "notes"), cells)
                if isinstance(cell, str) and cell.strip() and find_contact(cell)]
    assert [(p.row, p.column) for p in find_contact_details("projects", table, "p.csv")] == expected


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.text(alphabet="0123456789 .-+_/()[]<>{}@atATrobsedpinDOT\n\t\x1c＠０８é٣\ufe6b", max_size=16),
                      min_size=1, max_size=12))
def test_the_batch_search_misses_no_cell_the_cell_search_would_find_something_in(texts):
    import unicodedata

    from data.intake.privacy import _could_hold

    normalised = [unicodedata.normalize("NFKC", text).replace("\ufe6b", "@") for text in texts]
    assert {i for i, text in enumerate(texts) if find_contact(text)} <= set(_could_hold(normalised))


@pytest.mark.parametrize("text, found", [
    ("SYN-1-000000-F0", False), ("Projet eau 2031", False), ("CD7402", False), ("0812345678", True),
    ("ONG locale synthétique 054; ONG locale synthétique 117; ONG locale synthétique 021", False),
    ("+32 2 555 ١٢", True),
    ("x (dot) y", True), ("a@b", True), ("+32 2 555 12", True), ("+32 2 555 1", False)])
def test_the_batch_search_passes_over_ids_and_short_numbers(text, found):
    from data.intake.privacy import _could_hold

    assert _could_hold(["x", text, "y"]) == ([1] if found else [])


def test_a_phone_number_broken_over_two_lines_is_found_not_a_failure():
    assert find_contact("tel +32 2\n555 12 34") == "phone"


@pytest.mark.parametrize("batch, chars", [(1, 1), (3, 10), (2048, 25)])
def test_batches_of_any_size_find_the_same_cells(monkeypatch, batch, chars):
    import data.intake.privacy as privacy

    monkeypatch.setattr(privacy, "SCAN_BATCH", batch)
    monkeypatch.setattr(privacy, "SCAN_CHARS", chars)
    notes = ["Project 1", "1234", "567 890", "call 0812345678", "x", "at", "home", "a@b.org", "12 500 000", ""] * 3
    table = pd.DataFrame({"project_id": [f"P-{i}" for i in range(len(notes))], "title_en": "T", "notes": notes,
                          "_row": range(2, len(notes) + 2)})
    expected = [row for row, note in enumerate(notes, start=2) if note and find_contact(note)]
    assert [p.row for p in find_contact_details("projects", table, "p.csv")] == expected
    assert expected  # the cells hold some


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789 .-_()[]<>{}@atATrobsedpinDOT\n\t\x1c\x0bxyzé\u0130\u017f", max_size=40) |
       st.lists(st.sampled_from([" ", "\n", "\x1c", "at", "AT", "Dot", "pOint", "arObase", "@", "[", "(", "{", "<", "]",
                                 ")", ".", "x", "0", "é", "\u0130", "\u017f"]), max_size=12).map("".join))
@example("x [ AT ] y")
@example("x at y")
@example("1 DOT 2")
@example("a\tpoint\nb")
@example("xAROBASEy")
@example("a@b")
@example("(.)")
@example("[.]")
@example("{ . }")
@example("<.>")
@example("SYN-1-000000-F0\n\n\nSYN-1-000000-F1")
@example("a\x1cPoInT\x1fb")
def test_the_contact_words_shortcut_finds_what_the_regex_finds(text):
    from data.intake.privacy import _CONTACT_WORDS, _contact_words

    assert [m.span() for m in _contact_words(text)] == [m.span() for m in _CONTACT_WORDS.finditer(text)]
