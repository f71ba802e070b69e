"""python -m briefing build: exit 0 with the pack written; exit 2 with a one-line reason on bad arguments."""
from __future__ import annotations

import pytest
from pptx import Presentation

from briefing.__main__ import main


@pytest.fixture(autouse=True)
def no_browser(monkeypatch):
    """Fast and deterministic: no charts (the offline test in test_pack_offline.py draws them)."""
    monkeypatch.setenv("BRIEFING_BROWSER", "/nonexistent/chromium")


@pytest.mark.parametrize(("extra", "reason"), [
    (["--donor", "Nobody"], "donor=Nobody"),
    (["--province", "CD99"], "province=CD99"),
    (["--status", "9"], "status=9"),
    (["--view", "theme=unknown-theme"], "theme=unknown-theme"),
    (["--view", "colour=blue"], "colour"),
    (["--project", "NOPE"], "unknown project: NOPE"),
])
def test_bad_arguments_exit_2_with_a_reason(tmp_path, capsys, extra, reason):
    assert main(["build", "--format", "pdf", "--lang", "en", "--out", str(tmp_path / "p.pdf"), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and reason in err and err.count("\n") == 1
    assert not (tmp_path / "p.pdf").exists()


def test_a_missing_folder_or_format_is_refused(tmp_path, capsys):
    assert main(["build", "--format", "pptx", "--out", str(tmp_path / "no" / "p.pptx")]) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:  # argparse: an unknown format
        main(["build", "--format", "docx", "--out", str(tmp_path / "p.docx")])
    assert exit_info.value.code == 2


def test_a_view_url_sets_filters_language_and_currency(tmp_path, capsys):
    out = tmp_path / "pack.pptx"
    url = "http://meeting-room:8501/briefing?donor=Netherlands&cur=EUR&lang=fr&project=NL-CISPE&slide=3"
    assert main(["build", "--format", "pptx", "--out", str(out), "--view", url, "--today", "2026-12-01"]) == 0
    assert "note: charts not included" in capsys.readouterr().err
    slides = list(Presentation(str(out)).slides)
    text = "\n".join(s.text_frame.text for slide in slides for s in slide.shapes if s.has_text_frame)
    assert "Bailleur\u00a0: Pays-Bas" in text and "EUR" in text  # the filters, in French, on every slide
    assert "NL-CISPE — " in text and len(slides) == 8  # seven portfolio slides and the project's own
