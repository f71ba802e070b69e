"""The upload path: files of any supported format → a validated portfolio with a report per file (`pipeline`)."""
from data.intake.pipeline import (
                                  FileSummary,
                                  Intake,
                                  check_workbook_safety,
                                  load_intake,
                                  load_portfolio,
                                  max_upload_bytes,
                                  parse_uploads,
                                  read_source,
                                  sniff_format,
)

__all__ = ["FileSummary", "Intake", "check_workbook_safety", "load_intake", "load_portfolio", "max_upload_bytes",
           "parse_uploads", "read_source", "sniff_format"]
