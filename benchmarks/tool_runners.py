"""Locate the scanners and build their command lines (shared by both benchmarks).

A tool is looked up, in order, in ``--tools-bin`` (if given), next to the
running interpreter (so a venv's tools are found without activating it), and
on ``PATH``. codeward falls back to ``python -m codeward.server`` when only the
package is importable. A tool that cannot be found is reported as
"not installed" by the callers, never skipped silently.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_SEMGREP_RULES = BENCH_DIR / "semgrep-rules.yml"
# The repository's pyproject.toml excludes benchmarks/corpus from codeward's
# ordinary scans; the benchmarks scan with this empty configuration instead.
CODEWARD_CONFIG = BENCH_DIR / "codeward-bench.toml"
TOOLS = ("codeward", "bandit", "ruff", "semgrep", "detect-secrets")

# semgrep: no metrics, no version check, no registry: local rules only.
SEMGREP_ENV = {"SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}


@dataclass(frozen=True)
class Tool:
    """A runnable scanner: its base command and version string."""

    name: str
    base: tuple[str, ...]
    version: str


def _which(name: str, tools_bin: Path | None) -> str | None:
    dirs = [tools_bin] if tools_bin else []
    dirs.append(Path(sys.executable).parent)
    for directory in dirs:
        candidate = directory / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def _version(base: tuple[str, ...], env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run([*base, "--version"], check=False, capture_output=True, text=True, timeout=60,
                              env={**os.environ, **(env or {})})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc.__class__.__name__})"
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def find_tool(name: str, tools_bin: Path | None = None) -> Tool | None:
    """Return the tool if it is installed, else None."""
    exe = _which(name, tools_bin)
    if exe:
        base: tuple[str, ...] = (exe,)
    elif name == "codeward" and importlib.util.find_spec("codeward.server") is not None:
        base = (sys.executable, "-m", "codeward.server")
    else:
        return None
    return Tool(name, base, _version(base, SEMGREP_ENV if name == "semgrep" else None))


def scan_command(tool: Tool, target: Path, *, jobs: int | None = None, cache: bool = False,
                 semgrep_config: Path | None = None) -> list[str]:
    """The command that scans ``target`` and writes a JSON report to stdout."""
    if tool.name == "codeward":
        cmd = [*tool.base, "scan", str(target), "--format", "json", "--exit-zero", "--config", str(CODEWARD_CONFIG)]
        if jobs is not None:
            cmd += ["--jobs", str(jobs)]
        if not cache:
            cmd.append("--no-cache")
        return cmd
    if tool.name == "bandit":
        return [*tool.base, "-r", str(target), "-f", "json", "-q"]
    if tool.name == "ruff":
        return [*tool.base, "check", "--isolated", "--no-cache", "--select", "S",
                "--output-format", "json", "--exit-zero", str(target)]
    if tool.name == "semgrep":
        if semgrep_config is None:
            raise ValueError("semgrep needs a local rules file")
        return [*tool.base, "scan", "--config", str(semgrep_config), "--json", "--metrics=off",
                "--disable-version-check", "--quiet", "--no-git-ignore", str(target)]
    if tool.name == "detect-secrets":
        # --no-verify: never call providers' APIs; --all-files: not only git-tracked files.
        return [*tool.base, "scan", "--no-verify", "--all-files", str(target)]
    raise ValueError(f"unknown tool {tool.name}")


def tool_env(tool: Tool) -> dict[str, str]:
    """Environment for running ``tool``."""
    return {**os.environ, **(SEMGREP_ENV if tool.name == "semgrep" else {})}


def bytecode_env(env: dict[str, str], cache: Path, prime: list[str]) -> dict[str, str]:
    """``env`` with Python bytecode read from (and written to) ``cache``, filled by running
    ``prime`` once, untimed.

    The other Python tools run from the bytecode ``pip install`` compiled; codeward's
    editable install has none, and with ``PYTHONDONTWRITEBYTECODE`` set (as on the benchmark
    machines) it would compile its ~130 modules from source at every start (0.3-0.5 s of
    CPU), which an installed wheel never does. A private cache keeps the work tree clean.
    """
    primed = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    primed["PYTHONPYCACHEPREFIX"] = str(cache)
    subprocess.run(prime, env=primed, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    return primed


#: A small app with findings for several rule families: scanning it once imports (and so
#: compiles) what a scan of real code uses.
_PRIMING_APP = """import os, sqlite3, subprocess
from flask import Flask, request, render_template_string

app = Flask(__name__)
app.secret_key = "s3cr3t-key-value-1234"


@app.route("/run/<int:item_id>")
def run(item_id):
    name = request.args.get("name", "")
    subprocess.call("ls " + name, shell=True)
    rows = sqlite3.connect("db").execute(f"SELECT * FROM t WHERE id = {item_id}").fetchall()
    return render_template_string("<p>" + name + "</p>", rows=rows)
"""


def codeward_installed_env(tool: Tool, cache: Path) -> dict[str, str]:
    """``tool_env`` for codeward as installed: from bytecode (see :func:`bytecode_env`),
    primed by a scan of a small app."""
    app = cache / "priming-app"
    app.mkdir(parents=True, exist_ok=True)
    (app / "app.py").write_text(_PRIMING_APP)
    prime = [*tool.base, "scan", str(app), "--format", "json", "--exit-zero", "--no-cache", "--config", str(CODEWARD_CONFIG)]
    return bytecode_env(tool_env(tool), cache / "bytecode", prime)
