"""The naive path bench.scale times against: every naive stand-in accepts every call the fast function accepts."""
from __future__ import annotations

import inspect

import pytest

from bench.naive import naive_patches

PATCHES = naive_patches()


@pytest.mark.parametrize(("module", "name", "naive"), PATCHES,
                         ids=[f"{module.__name__}.{name}" for module, name, _ in PATCHES])
def test_a_naive_stand_in_takes_every_argument_the_fast_function_takes(module, name, naive):
    # A fast function that grew a parameter (e.g. the prepared model's arrays) made the naive run raise a TypeError
    # on every page, and bench.scale then reported no ratio at all.
    fast = inspect.signature(getattr(module, name))
    required = [p for p in fast.parameters.values() if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
    optional = [p for p in fast.parameters.values() if p.default is not p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
    by_name = {p.name: p.default for p in fast.parameters.values() if p.kind is p.KEYWORD_ONLY}
    stand_in = inspect.signature(naive)
    stand_in.bind(*[object()] * len(required), **by_name)  # the least a caller passes
    stand_in.bind(*[object()] * (len(required) + len(optional)), **by_name)  # and with every option
