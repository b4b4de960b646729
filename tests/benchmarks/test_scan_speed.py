"""scan_speed's measuring and reporting helpers, on tiny local commands."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import scan_speed


def test_measure_reports_wall_cpu_and_memory() -> None:
    code = "x = bytearray(40 * 1024 * 1024); sum(range(200000))"
    m = scan_speed.measure("other", [sys.executable, "-c", code], dict(os.environ), timeout=60)
    assert m.returncode == 0
    assert m.wall > 0 and m.cpu > 0
    assert m.max_proc_rss_kb >= 40 * 1024
    assert m.files_scanned is None


def test_measure_reads_file_count_from_codeward_report() -> None:
    code = "import json; print(json.dumps({'files': 0, 'findings': []}))"
    m = scan_speed.measure("codeward", [sys.executable, "-c", code], dict(os.environ), timeout=60)
    assert m.files_scanned == 0


def test_files_scanned_per_tool() -> None:
    assert scan_speed.files_scanned("codeward", json.dumps({"files": 7})) == 7
    assert scan_speed.files_scanned("bandit", json.dumps({"metrics": {"_totals": {}, "a.py": {}, "b.py": {}}})) == 2
    assert scan_speed.files_scanned("semgrep", json.dumps({"paths": {"scanned": ["a.py"]}})) == 1
    assert scan_speed.files_scanned("bandit", "not json") == 0


def test_count_lines(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("a = 1\nb = 2\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.py").write_text("c = 3\n")
    (tmp_path / "notes.txt").write_text("ignored\n")
    assert scan_speed.count_lines(tmp_path) == (2, 3)


def test_ratio_against_bandit_in_table() -> None:
    def cfg(label: str, tool: str, wall: float) -> scan_speed.Config:
        c = scan_speed.Config(label, tool, cmd=[tool])
        c.runs = [scan_speed.Measurement(wall, wall, 1024, 2048, 0, 10) for _ in range(3)]
        return c

    configs = [cfg("codeward --jobs 1", "codeward", 2.0), cfg("codeward --jobs all", "codeward", 6.0),
               cfg("bandit", "bandit", 10.0)]
    rows = scan_speed._rows(configs, lines=1000)
    assert rows[0][7].startswith("0.20×") and rows[0][8].endswith("✓")
    assert rows[1][7].startswith("0.60×") and rows[1][8].endswith("✗")
    assert rows[2][2] == "10.00" and rows[2][3] == "100"


def test_json_report_round_trips(tmp_path: Path) -> None:
    config = scan_speed.Config("bandit", "bandit", cmd=["bandit", "-r", "x"])
    config.runs = [scan_speed.Measurement(1.5, 1.0, 100, 200, 0, 3)]
    info = {"target_name": "t", "target": "t", "files": 3, "lines": 30, "cores": 2, "runs": 1,
            "python": "3.11", "load_before": 0.5, "load_after": 0.7}
    saved = tmp_path / "speed.json"
    saved.write_text(scan_speed.render_json([config], info))
    configs, loaded = scan_speed.load_results(saved)
    assert loaded == info
    assert configs[0].runs == config.runs and configs[0].tool == "bandit"
    assert "| bandit | 3 | 1.50 | 20 |" in scan_speed.render_markdown(configs, loaded)
