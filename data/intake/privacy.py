"""Personal contact details (e-mail addresses, phone numbers) found in the text cells of a table."""
from __future__ import annotations

import re
import string
import unicodedata

import numpy as np
import pandas as pd

from cells import column_cells, distinct_cells, is_missing, positions_of
from data.schema import COLUMN_KINDS, ROW_COLUMN, TABLES, Problem

SCAN_BATCH = 2048  # distinct cells searched at once for anything that could begin a contact detail
SCAN_CHARS = 2**20  # characters searched at once, about (a cell is never split)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Obfuscated forms are rewritten to plain ones before the search: "[at]", "(at)", "{at}", "(@)", " @ ",
# "arobase", "[dot]", "(point)"; a spelled-out " at " only between a name and a dotted lower-case domain.
_AT = re.compile(r"\s*[\[({<]\s*(?:at|@|arobase)\s*[\])}>]\s*|\s+@\s*|\s*@\s+|\s+arobase\s+", re.I)
_DOT = re.compile(r"\s*[\[({<]\s*(?:dot|point|\.)\s*[\])}>]\s*|(?<=[^\W_])\s+(?:dot|point)\s+(?=[^\W\d_])", re.I)
_SPELLED_AT = re.compile(r"(?<=[\w.+-])\s+at\s+(?=[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b)")

# Phone numbers. Separators between digits: spaces, dots, dashes (at most two in a row). A number is not taken
# from inside an identifier (IATI `XM-DAC-47066-…`, P-codes `CD7402`): no letter or digit right before it, nor a
# word character followed by '-', '.', '/' or '_'.
_SEP = r"[\s.\-]{0,2}"
_START = r"(?<![\w+])(?<!\w[-./_])"
# DRC mobiles: nine digits starting with 8 or 9, after 0 (national: 0812345678, 0 812 345 678, (0)81…),
# 243, +243 or 00243 (international: 243812345678, +243 (0)81 234 5678, 00243 81 234 5678).
DRC_PHONE = re.compile(_START + r"(?P<prefix>(?:\+|00)\s?)?(?:243" + _SEP + r"(?:\(0\)" + _SEP + r")?|\(0\)"
                       + _SEP + r"|0" + _SEP + r")[89]\d(?:" + _SEP + r"\d){7}(?!\w)")
# Any international number: + or 00, a country code, 7 to 12 more digits (+32 2 555 12 34, 0033 1 23 45 67 89).
INTERNATIONAL_PHONE = re.compile(_START + r"(?P<prefix>\+|00)\s?[1-9]\d{0,2}(?:" + _SEP + r"\d){7,12}(?!\w)")
# 12 500 000, 243.812.345.678: thousands groups with one separator are an amount, unless + or 00 says phone.
# What every e-mail address or phone number above holds in ASCII text (where NFKC changes nothing): an '@' or a
# spelled one, or seven digits with at most two other characters between each.
_WORDS = re.compile(r"@|arobase|[\[({<]\s*at\s*[\])}>]|\sat\s", re.I)
_MAYBE_CONTACT = re.compile(_WORDS.pattern + r"|\d(?:\D{0,2}\d){6}", re.I)
_THOUSANDS = re.compile(r"^\d{1,3}(?P<sep>[ .,\u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*$")


def normalise_text(text: str) -> str:
    """NFKC (full-width ＠ and digits become ASCII) and obfuscated e-mail separators made plain."""
    text = unicodedata.normalize("NFKC", text).replace("\ufe6b", "@")
    text = _DOT.sub(".", _AT.sub("@", text))
    return _SPELLED_AT.sub("@", text)


def _looks_like_amount(body: str) -> bool:
    """12 500 000, 243.812.345.678, 100000.00, 1,250,000.50: thousands groups with one separator and/or a decimal
    part of one or two digits after a different separator."""
    whole, decimal = re.match(r"^(.*?)(?:([.,])\d{1,2})?$", body, re.DOTALL).groups()  # a cell may break a line
    if decimal and (whole.isdigit() or (_THOUSANDS.match(whole) and decimal not in whole)):
        return True
    return bool(_THOUSANDS.match(body))


def _is_phone(match: re.Match) -> bool:
    body = match.group(0)[len(match.group("prefix") or ""):].strip()
    digits = re.sub(r"\D", "", body)
    if match.group("prefix"):
        if match.group("prefix").startswith("+") and body.isdigit() and len(digits) < 10:
            return False  # +12345678: a signed figure rather than a number to call
        return digits.startswith("243") or not _looks_like_amount(body)
    return body.startswith("0") or not _looks_like_amount(body)


def find_contact(text: str) -> str | None:
    """"e-mail", "phone" or None: what kind of personal contact detail `text` holds."""
    text = str(text)
    if text.isascii() and not _MAYBE_CONTACT.search(text):
        return None  # most cells: no '@' or spelled one, no run of seven digits
    plain = normalise_text(text)
    if EMAIL.search(plain):
        return "e-mail"
    for pattern in (DRC_PHONE, INTERNATIONAL_PHONE):
        if any(_is_phone(m) for m in pattern.finditer(plain)):
            return "phone"
    return None




def find_contact_details(table: str, frame: pd.DataFrame, file: str) -> list[Problem]:
    """One error per cell holding an e-mail address or a phone number: such rows are refused, so the portfolio
    shown to everyone never carries them (the uploaded original, kept byte for byte, is not published). Column by
    column, each distinct cell scanned once (names and notes repeat across rows); the errors row by row."""
    columns = [c.name for c in TABLES[table].columns if COLUMN_KINDS[c.kind].text and c.name in frame.columns]
    found: list[tuple[int, int, str]] = []  # (position, column, what)
    for index, column in enumerate(columns):
        codes, uniques = distinct_cells(column_cells(frame, column))
        kinds = _contact_kinds(uniques)
        found += [(position, index, kinds[codes[position]])
                  for position in positions_of(codes, [i for i, kind in enumerate(kinds) if kind])]
    rows = column_cells(frame, ROW_COLUMN) if ROW_COLUMN in frame.columns and found else None
    return [Problem(file, int(rows[position]) if rows is not None else None, columns[index],
                    f"contains {_SHOWN[kind]}: personal contact details are not kept in the portfolio (remove them "
                    "and upload again)") for position, index, kind in sorted(found)]


def _contact_kinds(values: list) -> list[str | None]:
    """find_contact of each value (None when missing), called only where a contact detail could be: the texts are
    first searched together, a batch at a time, for what find_contact needs (see _could_hold)."""
    kinds: list[str | None] = [None] * len(values)
    scan = [i for i, value in enumerate(values) if value.__class__ is not str]
    # As find_contact searches them once normalised: NFKC (it leaves ASCII as it is).
    texts = [value if value.__class__ is not str or value.isascii()
             else unicodedata.normalize("NFKC", value).replace("\ufe6b", "@") for value in values]
    strings = [i for i, value in enumerate(values) if value.__class__ is str] if scan else range(len(values))
    for batch in _batches(strings, texts):
        scan += [batch[i] for i in _could_hold([texts[i] for i in batch])]
    for i in scan:
        kinds[i] = None if is_missing(values[i]) else find_contact(str(values[i]))
    return kinds


def _batches(positions: list[int], values: list[str]) -> list[list[int]]:
    """The positions in batches of at most SCAN_BATCH cells and about SCAN_CHARS characters (the numpy arrays of a
    search hold several bytes a character); a cell longer than that is a batch of its own."""
    ends = np.cumsum(np.fromiter(map(len, map(values.__getitem__, positions)), dtype=np.int64, count=len(positions)))
    batches: list[list[int]] = []
    start = 0
    while start < len(positions):
        chars_before = ends[start - 1] if start else 0
        within = int(np.searchsorted(ends, chars_before + SCAN_CHARS, "right"))  # the cells that fit in SCAN_CHARS
        stop = min(start + SCAN_BATCH, max(start + 1, within))
        batches.append(positions[start:stop])
        start = stop
    return batches


# What _AT, _DOT, _SPELLED_AT and EMAIL need (ignoring case, as _AT and _DOT do): an '@' or 'arobase', 'at', 'dot',
# 'point' or '.' in brackets, or 'at', 'dot' or 'point' between spaces. Without it normalise_text changes nothing
# after NFKC and EMAIL finds no '@'.
_CONTACT_WORDS = re.compile(r"@|arobase|[\[({<]\s*(?:at|dot|point|\.)\s*[\])}>]|\s(?:at|dot|point)\s", re.I)
PHONE_DIGITS = 8  # the fewest digits DRC_PHONE (ten) or INTERNATIONAL_PHONE (eight) match
PHONE_CHARS = 42  # the most characters they match: prefix and space 3, country code 3, 12 digits after 0-2 separators


# In ASCII text (where ignoring case is str.lower), every _CONTACT_WORDS match holds one of these.
_WORD_PARTS = ("@", "arobase", "[", "(", "{", "<", "at", "dot", "point")


def _contact_words(joined: str):
    """_CONTACT_WORDS.finditer(joined), skipped for ASCII text holding none of _WORD_PARTS: looking for each is
    faster than the regex's try at every position (ids, codes and numbers, most cells of a large upload)."""
    if joined.isascii():
        lowered = joined.lower()
        if not any(part in lowered for part in _WORD_PARTS):
            return iter(())
    return _CONTACT_WORDS.finditer(joined)


def _code_table(codes: str) -> np.ndarray:
    """A lookup by character code (ASCII, and 128 for every other character: no) of whether it is one of `codes`."""
    table = np.zeros(129, dtype=bool)
    table[[ord(c) for c in codes]] = True
    return table


_WORD = _code_table(string.ascii_letters + string.digits + "_")  # \w; other letters: no, a start is kept
_BEGINS = _code_table("+02(")  # how DRC_PHONE and INTERNATIONAL_PHONE begin
_JOINT = _code_table("-./_")
_DIGIT = _code_table(string.digits)


def _could_hold(texts: list[str]) -> list[int]:
    """The texts (NFKC-normalised) where find_contact could find something, from one search of them joined three
    newlines apart (a match reaching into a neighbour marks both): _CONTACT_WORDS, or a place where DRC_PHONE or
    INTERNATIONAL_PHONE could begin (a '+', '0', '2' or '(' that _START allows) with eight digits in the PHONE_CHARS
    from there. Ids such as 'SYN-1-000000-F0' (seven digits close together), titles such as 'Projet eau 2031' and
    lists such as 'ONG 054; ONG 117' hold none of this."""
    joined = "\n\n\n".join(texts)
    starts = np.cumsum([0] + [len(text) + 3 for text in texts[:-1]])
    found: set[int] = set()
    for match in _contact_words(joined):
        first, last = np.searchsorted(starts, [match.start(), max(match.end() - 1, match.start())], "right") - 1
        found.update(range(int(first), int(last) + 1))
    if joined.isascii():
        codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        digit = _DIGIT[codes]
    else:
        wide = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = np.minimum(wide, 128)
        others = np.unique(wide[wide >= 128])  # the other characters found: a few, each asked once
        digit = _DIGIT[codes] | np.isin(wide, others[np.array([_any_digit(chr(c)) for c in others.tolist()],
                                                               dtype=bool)])
    word = np.zeros(len(codes) + 2, dtype=bool)  # two non-word characters before the first
    word[2:] = _WORD[codes]
    joint = np.zeros(len(codes) + 1, dtype=bool)
    joint[1:] = _JOINT[codes]
    plus = np.zeros(len(codes) + 1, dtype=bool)
    plus[1:] = codes == ord("+")
    # (?<![\w+]) and (?<!\w[-./_]) before a '+', '0', '2' or '('
    begins = _BEGINS[codes] & ~word[1:-1] & ~plus[:-1] & ~(joint[:-1] & word[:-2])
    at = np.flatnonzero(begins)
    digits = np.zeros(len(codes) + 1, dtype=np.int64)
    np.cumsum(digit, out=digits[1:])
    enough = digits[np.minimum(at + PHONE_CHARS, len(codes))] - digits[at] >= PHONE_DIGITS
    found.update((np.searchsorted(starts, at[enough], "right") - 1).tolist())
    return sorted(found)


def _any_digit(char: str) -> bool:
    """Whether \\d may match the character (a digit of any script)."""
    return char.isdigit() or unicodedata.category(char) == "Nd"


_SHOWN = {"e-mail": "an e-mail address", "phone": "a phone number"}


