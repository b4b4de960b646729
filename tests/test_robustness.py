"""Nasty inputs never crash a scan, and every unreadable file is reported with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeward.checks.config import Config
from codeward.checks.scan import scan

GOOD = "import requests\nrequests.get('https://x', verify=False)\n"


def _nasty_files(root: Path) -> dict[str, bytes]:
    deep_brackets = "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n"
    deep_blocks = "".join("    " * i + "if x:\n" for i in range(100)) + "    " * 100 + "pass\n"
    long_sum = "x = " + "+".join(["a"] * 60000) + "\n"
    return {
        "empty.py": b"",
        "nul.py": b"x = 1\x00\n",
        "latin1.py": "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1"),
        "bad_utf8.py": b"x = '\xff\xfe'\n",
        "bad_cookie.py": b"# -*- coding: no-such-codec -*-\nx = 1\n",
        "deep_brackets.py": deep_brackets.encode(),
        "deep_blocks.py": deep_blocks.encode(),
        "long_sum.py": long_sum.encode(),
        "one_mb_line.py": ("x = '" + "a" * 1_000_000 + "'\n").encode(),
        "binary.py": bytes(range(256)) * 64,
        "bom.py": b"\xef\xbb\xbf" + GOOD.encode(),
        "crlf.py": GOOD.replace("\n", "\r\n").encode(),
        "only_comment.py": b"# nothing\n",
        "good.py": GOOD.encode(),
    }


def test_nasty_corpus_never_stops_the_scan(tmp_path: Path) -> None:
    for name, data in _nasty_files(tmp_path).items():
        (tmp_path / name).write_bytes(data)
    result = scan([tmp_path], Config(root=tmp_path, max_file_size=1_500_000), jobs=1)
    flagged = {f.path for f in result.findings}
    assert {"good.py", "bom.py", "crlf.py"} <= flagged
    reasons = {n.path: n.reason for n in result.not_analysed}
    assert "binary" in reasons["nul.py"] and "binary" in reasons["binary.py"]
    assert "not valid utf-8" in reasons["bad_utf8.py"]
    assert "encoding" in reasons["bad_cookie.py"]
    assert not result.failures
    assert "latin1.py" not in reasons and "empty.py" not in reasons and "one_mb_line.py" not in reasons


def test_oversized_files_are_reported_not_read(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text("x = 1\n" * 1000)
    result = scan([tmp_path], Config(root=tmp_path, max_file_size=100), jobs=1)
    assert [n.path for n in result.not_analysed] == ["big.py"]
    assert "limit" in result.not_analysed[0].reason


def test_crlf_columns_are_code_points(tmp_path: Path) -> None:
    (tmp_path / "crlf.py").write_bytes("import requests\r\nrequests.get('é', verify=False)\r\n".encode())
    finding = scan([tmp_path], Config(root=tmp_path), jobs=1).findings[0]
    assert (finding.range.start.line, finding.range.start.column) == (1, 18)


@pytest.mark.parametrize("jobs", [1, 2])
def test_output_is_identical_for_any_jobs(tmp_path: Path, jobs: int) -> None:
    for i in range(20):
        (tmp_path / f"m{i:02}.py").write_text(GOOD * (i % 3 + 1))
    result = scan([tmp_path], Config(root=tmp_path), jobs=jobs)
    assert [(f.path, f.range.start.line) for f in result.findings] == sorted(
        (f"m{i:02}.py", line) for i in range(20) for line in range(1, 2 * (i % 3 + 1), 2)
    )


def test_slow_analysis_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text("import requests\n" + "requests.get(u, verify=False)\n" * 20000)
    (tmp_path / "small.py").write_text(GOOD)
    result = scan([tmp_path], Config(root=tmp_path, timeout=0.001), jobs=1)
    reasons = {n.path: n.reason for n in result.not_analysed}
    assert "longer than" in reasons["big.py"]
