"""The real-world triage loop without the corpus: file format, handler keys and matching."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks" / "realworld"))

import scan as realworld_scan
from keys import MODULE, NOT_PYTHON, handler_at, snippet
from triage import (
    Finding,
    FormatError,
    Miss,
    Verdict,
    compare,
    load_misses,
    load_triage,
    precision,
    proposed_rows,
)

APP = '''\
from flask import Flask
app = Flask(__name__)

class NoteView:
    @app.route("/notes/<int:note_id>")
    def get(self, note_id):
        note = Note.query.get(note_id)
        other = Tag.query.get(note_id)
        return note, other
'''
HEADER = "repo,path,rule,handler,discriminator,verdict,reason\n"


def finding(handler: str = "NoteView.get", rule: str = "CW302", snip: str = "Note.query.get(note_id)",
            path: str = "app.py") -> Finding:
    return Finding("o/r", path, rule, handler, 7, snip, "msg")


def verdict(disc: str = "", value: str = "false", handler: str = "NoteView.get", rule: str = "CW302") -> Verdict:
    return Verdict("o/r", "app.py", rule, handler, disc, value, f"{value}: reason")


def test_handler_is_the_innermost_function_with_its_class_and_decorators(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(APP)
    assert handler_at(app, 5) == "NoteView.get"  # the route decorator line belongs to the handler
    assert handler_at(app, 8) == "NoteView.get"
    assert handler_at(app, 2) == MODULE
    settings = tmp_path / "settings.yml"
    settings.write_text("a: 1\n")
    assert handler_at(settings, 1) == NOT_PYTHON
    assert snippet(app, 7, 16, 7, 39) == "Note.query.get(note_id)"


def test_triage_keys_survive_line_moves(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text("\n\n\n" + APP)
    assert handler_at(app, 11) == "NoteView.get"


def test_discriminator_picks_the_row_and_plain_row_is_the_fallback() -> None:
    rows = [verdict("Tag.query", "true"), verdict("", "false")]
    result = compare([finding(snip="Tag.query.get(note_id)"), finding()], rows, [], {"o/r"})
    assert [(f.snippet, v.verdict) for f, v in result.judged] == [
        ("Tag.query.get(note_id)", "true"), ("Note.query.get(note_id)", "false")]
    assert not result.untriaged and not result.gone


def test_untriaged_gone_and_misses() -> None:
    rows = [verdict(value="true", handler="delete"), verdict(value="false", handler="edit"),
            verdict(value="true", handler="elsewhere", rule="CW999")]
    misses = [Miss("o/r", "app.py", "NoteView.get", "CW302", "reads any note"),
              Miss("o/r", "app.py", "NoteView.get.inner", "CW302", "a finding on the enclosing method covers it"),
              Miss("o/r", "app.py", "share", "CW301", "no login"), Miss("x/y", "a.py", "f", "CW301", "other repo")]
    result = compare([finding()], rows, misses, {"o/r"}, ("CW3",))
    assert result.untriaged == [finding()]
    # Verdicts of rules that were not scanned are neither lost nor fixed.
    assert [(v.handler, v.verdict) for v in result.gone] == [("delete", "true"), ("edit", "false")]
    assert [(m.handler, now) for m, now in result.misses] == [
        ("NoteView.get", True), ("NoteView.get.inner", True), ("share", False)]


def test_counts_and_precision() -> None:
    rows = [verdict("Note", "true"), verdict("Tag", "false"), verdict("Book", "unsure")]
    found = [finding(snip=s) for s in ("Note.query", "Tag.query", "Book.query", "Pen.query")]
    counts = compare(found, rows, [], {"o/r"}).per_rule()["CW302"]
    assert (counts["findings"], counts["true"], counts["false"], counts["unsure"], counts["untriaged"]) == (4, 1, 1, 1, 1)
    assert precision(counts) == 0.5


def test_proposed_rows_add_a_discriminator_only_where_a_key_repeats() -> None:
    one, two, alone = finding(snip="Note.query"), finding(snip="Tag.query"), finding(handler="index", snip="x")
    again = finding(snip="Note.query")
    rows = proposed_rows([one, two, alone, again], [one, two, alone, again])
    assert [r[4] for r in rows] == ["Note.query", "Tag.query", ""]


def test_triage_file_format_is_checked(tmp_path: Path) -> None:
    good = tmp_path / "triage.csv"
    good.write_text(HEADER + "# a comment line\no/r,app.py,CW302,NoteView.get,,false,\"false: filter on owner\"\n")
    assert load_triage(good)[0].reason == "false: filter on owner"
    for bad_row in ("o/r,app.py,CW302,f,,maybe,why\n", "o/r,app.py,CW302,f,,true,\n",
                    "o/r,app.py,CW302,f,,true,a\no/r,app.py,CW302,f,,false,b\n"):
        bad = tmp_path / "bad.csv"
        bad.write_text(HEADER + bad_row)
        with pytest.raises(FormatError):
            load_triage(bad)
    wrong_header = tmp_path / "wrong.csv"
    wrong_header.write_text("repo,path,verdict\n")
    with pytest.raises(FormatError):
        load_triage(wrong_header)
    assert load_misses(tmp_path / "absent.csv") == []


def test_secret_findings_never_carry_the_secret(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text('API_KEY = "sk_live_abcdefghijklmnop"\n')
    report = {"findings": [{"code": "CW201", "path": "settings.py", "line": 1, "column": 11, "end_line": 1,
                            "end_column": 36, "message": "hardcoded key `sk_l…` in `API_KEY`"}]}
    (found,) = realworld_scan.to_findings("o/r", tmp_path, report, ("CW2",))
    assert "abcdefghijklmnop" not in found.snippet and found.snippet == "sk_l…"


def test_committed_triage_and_misses_files_parse() -> None:
    here = Path(realworld_scan.__file__).parent
    verdicts = load_triage(here / "triage.csv")
    load_misses(here / "misses.csv")
    manifest = {row["repo"] for row in realworld_scan.load_manifest(here / "manifest.csv")}
    assert {v.repo for v in verdicts} <= manifest
