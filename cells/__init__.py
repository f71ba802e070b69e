"""What a cell holds, judged one way everywhere: missing or not, and its text folded for comparison (pandas only)."""
from __future__ import annotations

import re
import unicodedata

import pandas as pd


def is_missing(value: object) -> bool:
    """True for None, NaN, NA, NaT and blank strings: the canonical 'not published'."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False  # a list or an array is a value, not a missing one


def fold_text(text: object) -> str:
    """Compatibility-normalise, casefold and strip accents; NBSP and narrow NBSP become plain spaces."""
    text = unicodedata.normalize("NFKC", str(text)).replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).strip()


def fold_words(text: object) -> str:
    """Fold a label, a header or a name for lookup: accents, case, ligatures, punctuation and spacing do not
    matter ('Date de début :' → 'date de debut', 'Mise en Œuvre' → 'mise en oeuvre', 'SE-0' → 'se 0'). Letters
    of other scripts are kept, so two names in Arabic or Chinese do not fold to the same empty key."""
    return " ".join(re.sub(r"[\W_]+", " ", fold_text(text)).split())
