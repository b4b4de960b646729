"""Speed benchmark: full scans of Django's source with codeward, bandit, ruff, semgrep.

The target is Django's own source (about 160k lines of Python), taken from
the Django wheel: downloaded once with pip into a cache folder and unpacked
there, so every machine scans the same tree. ``--target`` scans any other
folder instead. The cache is ``$XDG_CACHE_HOME/codeward-bench`` (default
``~/.cache/codeward-bench``, ``--cache-dir`` to change it), deliberately outside
the repository: codeward's discovery honours the repository's .gitignore, so a
git-ignored folder inside the work tree would be skipped. Every run's report is
checked for the number of files the tool scanned, so an empty scan shows as a
failure instead of an impossible speed.

Each configuration runs ``--runs`` times (default 3); the table shows medians
of the wall time, CPU time (user + system of the process and its children)
and peak memory:

* codeward ``--jobs 1`` and ``--jobs <all cores>``, both with ``--no-cache``;
* codeward warm: a re-scan of the unchanged tree with its cache (one untimed
  priming run first);
* bandit (single process), ruff ``--select S`` (multi-threaded), semgrep with
  the local rules (``--jobs`` = all cores).

codeward runs from bytecode in a private cache primed once, as an installed wheel
does and as the other tools do (``--no-bytecode``: compile from source at every run,
which an editable install does when ``PYTHONDONTWRITEBYTECODE`` is set).

Peak memory is the largest total RSS of the process tree, sampled every
20 ms from /proc (``peak tree RSS``), next to ``ru_maxrss`` of the largest
single process from ``os.wait4`` (``max proc RSS``).

    python benchmarks/scan_speed.py [--runs 3] [--format text|markdown|json]
"""

from __future__ import annotations

import argparse
import atexit
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from tool_runners import DEFAULT_SEMGREP_RULES, Tool, codeward_installed_env, find_tool, scan_command, tool_env

CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "codeward-bench"
DJANGO_VERSION = "5.2.19"
SAMPLE_SECONDS = 0.02

# Targets (issue 8, tightened by issue 16 item 13), as ratios of codeward's median wall
# time to bandit's.
TARGETS = {"codeward --jobs 1": 1.0, "codeward --jobs all": 0.3, "codeward warm re-scan": 0.1,
           "codeward re-scan after a one-line insertion": 0.1}
#: The file the insertion benchmark edits (relative to the target), when the target has it;
#: otherwise its largest Python file.
EDITED_FILE = "django/db/models/query.py"


@dataclass
class Measurement:
    """One timed run."""

    wall: float
    cpu: float
    max_proc_rss_kb: int
    peak_tree_rss_kb: int
    returncode: int
    files_scanned: int | None = None


@dataclass
class Config:
    """A tool configuration to time, with its runs."""

    label: str
    tool: str
    cmd: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    status: str = "ok"
    runs: list[Measurement] = field(default_factory=list)
    prime: bool = False
    note: str = ""
    #: Called before each timed run (untimed), e.g. to edit the scanned tree.
    before_run: Callable[[], None] | None = field(default=None, repr=False)

    def median(self, attr: str) -> float:
        """Median of one attribute over the runs."""
        return statistics.median(getattr(m, attr) for m in self.runs)


def ensure_django(version: str = DJANGO_VERSION, cache: Path = CACHE_DIR) -> Path:
    """Return the unpacked Django source, downloading the wheel with pip once."""
    target = cache / f"django-{version}"
    if (target / "django" / "__init__.py").is_file():
        return target
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    wheel = next(wheels.glob(f"[Dd]jango-{version}-*.whl"), None)
    if wheel is None:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                        f"django=={version}", "-d", str(wheels)], check=True)
        wheel = next(wheels.glob(f"[Dd]jango-{version}-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        members = [n for n in archive.namelist() if n.startswith("django/")]
        tmp = Path(tempfile.mkdtemp(dir=cache))
        archive.extractall(tmp, members)
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)
    return target


def count_lines(root: Path) -> tuple[int, int]:
    """Number of .py files and of their lines under ``root``."""
    files = lines = 0
    for path in root.rglob("*.py"):
        files += 1
        with path.open("rb") as handle:
            lines += sum(1 for _ in handle)
    return files, lines


def _tree_rss_kb(pid: int) -> int:
    """Total RSS of ``pid`` and its descendants, from /proc (0 if gone)."""
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            with open(f"/proc/{current}/status", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    stack.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def files_scanned(tool: str, report_text: str) -> int | None:
    """How many files the tool says it scanned (None when it does not say)."""
    if tool not in ("codeward", "bandit", "semgrep"):
        return None
    try:
        report = json.loads(report_text)
    except json.JSONDecodeError:
        return 0
    if tool == "codeward":
        return int(report.get("files", 0))
    if tool == "bandit":
        return sum(1 for key in report.get("metrics", {}) if key != "_totals")
    if tool == "semgrep":
        return len(report.get("paths", {}).get("scanned", []))
    return None


def measure(tool: str, cmd: Sequence[str], env: dict[str, str], timeout: float) -> Measurement:
    """Run ``cmd`` once; wall, CPU and memory of its process tree, files scanned."""
    with tempfile.TemporaryFile(mode="w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.DEVNULL, env=env)
        peak = _PeakSampler(proc.pid)
        peak.start()
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - start
        peak.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        scanned = files_scanned(tool, out.read())
    return Measurement(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, peak.kb, proc.returncode, scanned)


class _PeakSampler(threading.Thread):
    """Samples the total RSS of a process tree until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.kb = pid, 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.kb = max(self.kb, _tree_rss_kb(self.pid))
            self._done.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._done.set()
        self.join()


def build_configs(target: Path, args: argparse.Namespace) -> list[Config]:
    """The configurations to time, in table order."""
    cores = os.cpu_count() or 1
    configs: list[Config] = []
    tools: dict[str, Tool | None] = {name: find_tool(name, args.tools_bin) for name in args.tools.split(",")}
    cw = tools.get("codeward")
    # codeward runs from bytecode, as installed, like the other tools (see bytecode_env).
    cw_env = None
    if cw is not None and not args.no_bytecode:
        args.cache_dir.mkdir(parents=True, exist_ok=True)
        primed = Path(tempfile.mkdtemp(prefix="bytecode-", dir=args.cache_dir))
        atexit.register(shutil.rmtree, primed, True)
        cw_env = codeward_installed_env(cw, primed)
    elif cw is not None:
        cw_env = tool_env(cw)
    if "codeward" in tools:
        for label, kwargs, prime in (
            ("codeward --jobs 1", {"jobs": 1, "cache": False}, False),
            ("codeward --jobs all", {"jobs": cores, "cache": False}, False),
            ("codeward warm re-scan", {"jobs": cores, "cache": True}, True),
        ):
            config = Config(label, "codeward", prime=prime)
            if cw is None:
                config.status = "not installed"
            else:
                config.cmd, config.env = scan_command(cw, target, **kwargs), cw_env
            configs.append(config)
        configs.append(_insertion_config(cw, target, args.cache_dir, cores, cw_env))
    for name in ("bandit", "ruff", "semgrep"):
        if name not in tools:
            continue
        tool = tools[name]
        config = Config(name if name != "ruff" else "ruff --select S", name)
        rules = args.semgrep_config or (DEFAULT_SEMGREP_RULES if DEFAULT_SEMGREP_RULES.is_file() else None)
        if tool is None:
            config.status = "not installed"
        elif name == "semgrep" and rules is None:
            config.status = "skipped: no local rules"
        else:
            config.cmd = scan_command(tool, target, semgrep_config=rules if name == "semgrep" else None)
            if name == "semgrep":
                config.cmd[-1:-1] = ["--jobs", str(cores)]
                config.note = "local rules only"
            config.env = tool_env(tool)
        configs.append(config)
    return configs


def _insertion_config(cw: Tool | None, target: Path, cache: Path, cores: int, env: dict[str, str] | None) -> Config:
    """A warm re-scan after inserting one line at the top of one file, on a copy of the
    target (each timed run inserts one more line, so each re-scan sees a fresh edit that
    moves every line of that file; the cache must re-analyse that file, not the project)."""
    config = Config("codeward re-scan after a one-line insertion", "codeward", prime=True)
    if cw is None:
        config.status = "not installed"
        return config
    copy = Path(tempfile.mkdtemp(prefix="insertion-", dir=cache)) / target.name
    shutil.copytree(target, copy)
    atexit.register(shutil.rmtree, copy.parent, True)
    edited = copy / EDITED_FILE
    if not edited.is_file():
        edited = max(copy.rglob("*.py"), key=lambda p: p.stat().st_size)
    config.note = f"one line inserted at the top of {edited.relative_to(copy).as_posix()} before each run"
    config.cmd, config.env = scan_command(cw, copy, jobs=cores, cache=True), env or tool_env(cw)
    count = itertools.count(1)

    def insert_line() -> None:
        edited.write_text(f"# edit {next(count)}\n" + edited.read_text("utf-8"), "utf-8")

    config.before_run = insert_line
    return config


def run_all(configs: Sequence[Config], runs: int, timeout: float) -> None:
    """Time every configuration; runs are interleaved round-robin to spread noise."""
    for config in configs:
        if config.status == "ok" and config.prime:
            measure(config.tool, config.cmd, config.env, timeout)
    for _ in range(runs):
        for config in configs:
            if config.status != "ok":
                continue
            if config.before_run is not None:
                config.before_run()
            m = measure(config.tool, config.cmd, config.env, timeout)
            config.runs.append(m)
            if m.returncode not in (0, 1):
                config.status = f"failed: exit {m.returncode}"
            elif m.files_scanned == 0:
                config.status = "failed: scanned 0 files"


def _rows(configs: Sequence[Config], lines: int) -> list[list[str]]:
    bandit = next((c for c in configs if c.tool == "bandit" and c.status == "ok" and c.runs), None)
    rows = []
    for c in configs:
        if c.status != "ok" or not c.runs:
            rows.append([c.label, c.status, "", "", "", "", "", "", ""])
            continue
        wall = c.median("wall")
        target = ratio = ""
        if c.label in TARGETS and bandit is not None:
            value = wall / bandit.median("wall")
            cpu_value = c.median("cpu") / bandit.median("cpu")
            goal = TARGETS[c.label]
            ratio = f"{value:.2f}× (CPU {cpu_value:.2f}×)"
            target = f"≤ {goal:g}× {'✓' if value <= goal else '✗'}"
        scanned = c.runs[-1].files_scanned
        rows.append([
            c.label, "?" if scanned is None else str(scanned), f"{wall:.2f}", f"{lines / wall:,.0f}", f"{c.median('cpu'):.2f}",
            f"{c.median('peak_tree_rss_kb') / 1024:.0f}", f"{c.median('max_proc_rss_kb') / 1024:.0f}", ratio, target,
        ])
    return rows


HEADER = ["configuration", "files", "wall s", "lines/s", "CPU s", "peak tree RSS MB", "max proc RSS MB",
          "wall vs bandit", "target"]


def render_text(configs: Sequence[Config], info: dict[str, Any]) -> str:
    """Plain fixed-width table."""
    table = [HEADER, *_rows(configs, info["lines"])]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([_intro(info), "", *out, "", *_commands(configs)])


def render_markdown(configs: Sequence[Config], info: dict[str, Any]) -> str:
    """GitHub-flavoured markdown table."""
    out = [_intro(info), "", "| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in _rows(configs, info["lines"])]
    out += ["", *(f"- `{line}`" if not line.startswith("  ") else line for line in _commands(configs))]
    return "\n".join(out)


def render_json(configs: Sequence[Config], info: dict[str, Any]) -> str:
    """Machine-readable results with every run."""
    return json.dumps({**info, "configs": [
        {"label": c.label, "tool": c.tool, "status": c.status, "cmd": c.cmd,
         "runs": [m.__dict__ for m in c.runs]} for c in configs]}, indent=2)


def _intro(info: dict[str, Any]) -> str:
    return (f"Target: {info['target_name']} ({info['files']:,} files, {info['lines']:,} lines); "
            f"{info['cores']} cores; median of {info['runs']} runs; Python {info['python']}; "
            f"load average {info['load_before']:.1f} before, {info['load_after']:.1f} after.")


def _short(part: str) -> str:
    """Shorten machine-specific paths in a printed command."""
    return part.replace(str(BENCH_DIR.parent) + os.sep, "").replace(str(Path.home()), "~")


def _commands(configs: Sequence[Config]) -> list[str]:
    return [" ".join(Path(c.cmd[0]).name if i == 0 else _short(part) for i, part in enumerate(c.cmd))
            for c in configs if c.cmd]


def load_results(path: Path) -> tuple[list[Config], dict[str, Any]]:
    """Read a ``--format json`` report back (to re-render it in another format)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    configs = []
    for entry in data.pop("configs"):
        config = Config(entry["label"], entry.get("tool", entry["label"].split()[0]), cmd=entry["cmd"],
                        status=entry["status"])
        config.runs = [Measurement(**run) for run in entry["runs"]]
        configs.append(config)
    return configs, data


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", type=Path, help=f"folder to scan (default: Django {DJANGO_VERSION} source)")
    parser.add_argument("--django-version", default=DJANGO_VERSION)
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR, help=f"download cache (default: {CACHE_DIR})")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tools", default="codeward,bandit,ruff,semgrep")
    parser.add_argument("--tools-bin", type=Path)
    parser.add_argument("--semgrep-config", type=Path)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.add_argument("--output", "-o", type=Path)
    parser.add_argument("--no-bytecode", action="store_true",
                        help="run codeward without a bytecode cache (every run compiles its modules from source)")
    parser.add_argument("--from-json", type=Path, help="re-render a saved --format json report; runs nothing")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the speed benchmark."""
    args = parse_args(argv)
    render = {"text": render_text, "markdown": render_markdown, "json": render_json}[args.format]
    if args.from_json:
        configs, info = load_results(args.from_json)
        _emit(render(configs, info), args.output)
        return 0
    target = (args.target or ensure_django(args.django_version, args.cache_dir)).resolve()
    files, lines = count_lines(target)
    configs = build_configs(target, args)
    load_before = os.getloadavg()[0]
    run_all(configs, args.runs, args.timeout)
    name = f"Django {args.django_version} source" if args.target is None else str(target)
    info = {"target_name": name, "target": str(target), "files": files, "lines": lines,
            "cores": os.cpu_count() or 1, "runs": args.runs, "python": sys.version.split()[0],
            "load_before": load_before, "load_after": os.getloadavg()[0]}
    _emit(render(configs, info), args.output)
    return 0


def _emit(report: str, output: Path | None) -> None:
    if output:
        output.write_text(report + "\n", encoding="utf-8")
    else:
        print(report)


if __name__ == "__main__":
    raise SystemExit(main())
