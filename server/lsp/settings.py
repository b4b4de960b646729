"""Editor settings: parsed from initializationOptions / workspace/configuration, merged
with ``[tool.codeward]`` of the document's project.

Editor settings use the client's camelCase keys (``workspaceDiagnostics``) and are layered
over the project's own configuration: ``select`` replaces, ``ignore`` adds, ``severity``
overrides per code. A bad value is reported once and ignored; it never stops analysis.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codeward.checks.config import Config, ConfigError, find_pyproject, load_file

DEFAULT_DEBOUNCE_MS = 200
RUN_MODES = ("onType", "onSave")


@dataclass(frozen=True)
class Settings:
    enable: bool = True
    run: str = "onType"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    workspace_diagnostics: bool = False
    #: Used only when the user sets it; the server never runs a workspace interpreter itself.
    interpreter: str | None = None
    #: A ``codeward scan --write-baseline`` file (relative to the workspace root): findings it
    #: records are shown as hints (``baseline_findings = "hint"``) or not at all (``"hide"``).
    baseline: str | None = None
    baseline_findings: str = "hint"

    @property
    def debounce(self) -> float:
        return self.debounce_ms / 1000


def section_of(raw: Any) -> dict[str, Any]:
    """Accept both ``{"codeward": {...}}`` and a bare settings object."""
    if not isinstance(raw, dict):
        return {}
    inner = raw.get("codeward")
    return inner if isinstance(inner, dict) else raw


def parse_settings(raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Settings from a client object on top of ``base``; problems are returned, not raised."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in section_of(raw).items():
        if key == "enable":
            _bool(values, problems, "enable", key, value)
        elif key == "run":
            if value in RUN_MODES:
                values["run"] = value
            else:
                problems.append(f"'run' must be one of {', '.join(RUN_MODES)}, not {value!r}")
        elif key in ("select", "ignore"):
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                values[key] = tuple(v.strip().upper() for v in value if v.strip())
            else:
                problems.append(f"'{key}' must be a list of rule codes or prefixes")
        elif key == "severity":
            if isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                values["severity"] = {k.upper(): v.lower() for k, v in value.items()}
            else:
                problems.append("'severity' must map rule codes to \"error\", \"warning\" or \"note\"")
        elif key == "debounce":
            if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 10_000:
                values["debounce_ms"] = int(value)
            else:
                problems.append("'debounce' must be a number of milliseconds between 0 and 10000")
        elif key == "workspaceDiagnostics":
            _bool(values, problems, "workspace_diagnostics", key, value)
        elif key == "interpreter":
            if value is None or (isinstance(value, str) and value.strip() == ""):
                values["interpreter"] = None
            elif isinstance(value, str):
                values["interpreter"] = value
            else:
                problems.append("'interpreter' must be a path to a Python executable")
        elif key == "baseline":
            if value is None or isinstance(value, str):
                values["baseline"] = (value or "").strip() or None
            else:
                problems.append("'baseline' must be the path of a codeward baseline file")
        elif key == "baselineFindings":
            if value in ("hint", "hide"):
                values["baseline_findings"] = value
            else:
                problems.append(f"'baselineFindings' must be \"hint\" or \"hide\", not {value!r}")
        else:
            problems.append(f"unknown setting '{key}'")
    return dataclasses.replace(base or Settings(), **values), problems


def _bool(values: dict[str, Any], problems: list[str], name: str, key: str, value: Any) -> None:
    if isinstance(value, bool):
        values[name] = value
    else:
        problems.append(f"'{key}' must be true or false")


class ConfigResolver:
    """``[tool.codeward]`` for a document, re-read whenever its pyproject.toml changes.

    Keyed by the pyproject path and its modification time, so an edited pyproject.toml is
    picked up on the next analysis even if the client never reports the change.
    """

    def __init__(self, fallback_root: Path | None) -> None:
        self.fallback_root = fallback_root
        self._cache: dict[Path, tuple[float, Config | ConfigError]] = {}

    def base_config(self, path: Path | None) -> tuple[Config, ConfigError | None]:
        start = path.parent if path is not None else self.fallback_root
        pyproject, mtime = _governing_pyproject(start)
        if pyproject is None:
            return Config(root=start), None
        if mtime is None:
            return Config(root=pyproject.parent), None
        cached = self._cache.get(pyproject)
        if cached is None or cached[0] != mtime:
            try:
                loaded: Config | ConfigError = load_file(pyproject)
            except ConfigError as exc:
                loaded = exc
            cached = (mtime, loaded)
            self._cache[pyproject] = cached
        if isinstance(cached[1], ConfigError):
            return Config(root=pyproject.parent), cached[1]
        return cached[1], None

    def changed_since_read(self, path: Path) -> bool:
        """Whether the pyproject.toml governing ``path`` changed since it was last read: a
        save re-checks the open documents then, for clients that cannot watch files."""
        pyproject, mtime = _governing_pyproject(path.parent)
        if pyproject is None or mtime is None:
            return False
        cached = self._cache.get(pyproject)
        return cached is None or cached[0] != mtime

    def forget(self) -> None:
        self._cache.clear()


def _governing_pyproject(start: Path | None) -> tuple[Path | None, int | None]:
    """The pyproject.toml found from ``start`` upwards and its modification time (None when
    it cannot be read): what :class:`ConfigResolver` keys its cache by."""
    pyproject = find_pyproject(start) if start is not None and start.exists() else None
    if pyproject is None:
        return None, None
    try:
        return pyproject, os.stat(pyproject).st_mtime_ns
    except OSError:
        return pyproject, None


def effective_config(base: Config, settings: Settings) -> tuple[Config, list[str]]:
    """The project config with the editor's select/ignore/severity applied."""
    changes: dict[str, Any] = {}
    if settings.select:
        changes["select"] = list(settings.select)
    if settings.ignore:
        changes["ignore"] = [*base.ignore, *settings.ignore]
    if settings.severity:
        changes["severity"] = {**dict(base.severity), **settings.severity}
        changes["severity"] = {k: (v.value if hasattr(v, "value") else v) for k, v in changes["severity"].items()}
    if not changes:
        return base, []
    try:
        return base.with_overrides(**changes), []
    except ConfigError as exc:
        return base, [str(exc)]
