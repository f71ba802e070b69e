"""cells: the one 'not published' test and the one text folding that every lookup shares."""
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from cells import fold_text, fold_words, is_missing


@pytest.mark.parametrize("value", [None, math.nan, np.nan, pd.NA, pd.NaT, "", "   ", "\t\n"])
def test_not_published_values_are_missing(value):
    assert is_missing(value)


@pytest.mark.parametrize("value", [0, 0.0, "0", "nan?", False, dt.date(2024, 1, 1), [1, 2], ("a",)])
def test_published_values_are_not_missing(value):
    assert not is_missing(value)


@pytest.mark.parametrize("text, folded", [
    ("Date de début :", "date de debut"), ("Mise en Œuvre", "mise en oeuvre"), ("SE-0", "se 0"),
    ("  Suède ", "suede"), ("KASAÏ_CENTRAL", "kasai central"), ("Kasaï\u2019s", "kasai s"),
    ("12\u00a0500", "12 500"), ("Cæsar", "caesar"),
])
def test_fold_words_ignores_accents_case_ligatures_punctuation_and_spacing(text, folded):
    assert fold_words(text) == folded


def test_names_in_other_scripts_keep_distinct_keys():
    first, second = fold_words("منظمة الصحة"), fold_words("الهلال الأحمر")
    assert first and second and first != second


def test_fold_text_keeps_punctuation_and_turns_narrow_spaces_plain():
    assert fold_text(" Équipe\u202fA / B ") == "equipe a / b"
