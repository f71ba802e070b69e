"""The upload path: files of any supported format → a validated portfolio with a report per file (`pipeline`)."""
from importlib import import_module

__all__ = ["FileSummary", "Intake", "check_workbook_safety", "load_intake", "load_portfolio", "max_upload_bytes",
           "parse_uploads", "read_source", "sniff_format"]


def __getattr__(name: str) -> object:
    # The pipeline's names load on first use (PEP 562): a restart that reads a version's Arrow copy imports
    # data.intake.mapping for the profiles' folder only, not every parser (~0.25 s of a 100k restart).
    if name in __all__:
        return getattr(import_module("data.intake.pipeline"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
