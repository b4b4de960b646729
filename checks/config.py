"""``[tool.codeward]`` configuration: discovery, validation and per-file rule selection.

The same :class:`Config` drives the CLI and the language server. Discovery walks up from the
scanned path to the first ``pyproject.toml`` that has a ``[tool.codeward]`` table (as ruff
does). Unknown keys and bad values raise :class:`ConfigError` naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .model import Confidence, Severity
from .paths import real_path
from .reading import read_regular_text
from .suppressions import CODE_SHAPE

#: A pyproject.toml larger than this is not read (a FIFO or a device is never read).
_MAX_PYPROJECT = 4 * 1024 * 1024

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
DEFAULT_TIMEOUT = 10.0


class ConfigError(ValueError):
    """Invalid configuration; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    #: Low-confidence findings (a sink fed by a parameter of a helper nobody is known to
    #: call with user input) are hidden unless asked for: precision first.
    min_confidence: Confidence = Confidence.MEDIUM
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    timeout: float = DEFAULT_TIMEOUT
    auth_guards: tuple[str, ...] = ()
    sanitizers: tuple[str, ...] = ()
    public_routes: tuple[str, ...] = ()
    secrets_in_tests: bool = False
    #: Other tools' suppression comments honoured for the equivalent rules ("nosec", "noqa").
    external_suppressions: tuple[str, ...] = ()
    #: Directory paths are relative to (where the pyproject.toml lives); None: the cwd.
    root: Path | None = field(default=None, compare=False)
    source: str = field(default="defaults", compare=False)

    def is_enabled(self, code: str, relative_path: str | None = None) -> bool:
        """Whether ``code`` runs on ``relative_path`` (a posix path relative to root)."""
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        if any(code.startswith(prefix) for prefix in self.ignore):
            return False
        if relative_path is not None:
            for pattern, codes in self.per_file_ignores:
                if _glob_match(relative_path, pattern) and any(code.startswith(c) for c in codes):
                    return False
        return True

    def severity_for(self, code: str, default: Severity) -> Severity:
        for prefix, severity in sorted(self.severity, key=lambda item: -len(item[0])):
            if code.startswith(prefix):
                return severity
        return default

    def with_overrides(self, where: str = "editor settings", **changes: Any) -> "Config":
        """A copy with editor settings or command-line options applied on top (same
        validation as the file; ``where`` names them in errors)."""
        values = _validate(changes, where)
        return dataclasses.replace(self, **values)

    @property
    def fingerprint(self) -> str:
        """A stable text for cache keys: every setting that can change results."""
        return repr(dataclasses.astuple(dataclasses.replace(self, root=None, source="")))


def _glob_match(path: str, pattern: str) -> bool:
    pure = PurePosixPath(path)
    return fnmatch.fnmatch(path, pattern) or pure.match(pattern) or fnmatch.fnmatch(pure.name, pattern)


_CODES = "a list of rule codes or prefixes such as [\"CW\", \"CW1\", \"CW501\"]"


def _str_list(value: Any, where: str, key: str, what: str = "a list of strings") -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be {what}")
    return tuple(value)


def check_code(code: str, where: str, key: str) -> str:
    """``code`` upper-cased when it is a rule code or a prefix of one (``CW``, ``CW1``, ``CW50``).

    A code that names no rule is an error, never an empty selection: a typo in ``select``
    would otherwise switch a CI gate off without a word (ruff and bandit refuse them too).
    """
    from .registry import all_rules

    upper = code.strip().upper()
    if not CODE_SHAPE.match(upper):
        raise ConfigError(f"{where}: '{key}' has {code!r}, which is not {_CODES}")
    if not any(known.startswith(upper) for known in all_rules()):
        raise ConfigError(f"{where}: '{key}' has {code!r}, which matches no rule (run `codeward rules` for the list)")
    return upper


def _codes(value: Any, where: str, key: str) -> tuple[str, ...]:
    return tuple(check_code(code, where, key) for code in _str_list(value, where, key, _CODES))


def _validate(raw: dict[str, Any], where: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name in ("select", "ignore"):
            values[name] = _codes(value, where, key)
        elif name in ("exclude", "auth_guards", "sanitizers", "public_routes"):
            values[name] = _str_list(value, where, key)
        elif name == "per_file_ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: '{key}' must be a table of glob = [codes]")
            values[name] = tuple((glob, _codes(codes, where, f"{key}.{glob}")) for glob, codes in value.items())
        elif name == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: '{key}' must be a table of CODE = \"error|warning|note\"")
            pairs = []
            for code, level in value.items():
                prefix = check_code(code, where, f"{key}.{code}")
                try:
                    pairs.append((prefix, Severity(level)))
                except ValueError:
                    raise ConfigError(f"{where}: '{key}.{code}' must be \"error\", \"warning\" or \"note\"") from None
            values[name] = tuple(pairs)
        elif name == "min_confidence":
            try:
                values[name] = Confidence(value)
            except ValueError:
                raise ConfigError(f"{where}: '{key}' must be \"low\", \"medium\" or \"high\"") from None
        elif name == "max_file_size":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{where}: '{key}' must be a positive number of bytes")
            values[name] = value
        elif name == "timeout":
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{where}: '{key}' must be a positive number of seconds")
            values[name] = float(value)
        elif name == "external_suppressions":
            tools = _str_list(value, where, key, 'a list of "nosec" and/or "noqa"')
            if not set(tools) <= {"nosec", "noqa"}:
                raise ConfigError(f"{where}: '{key}' must be a list of \"nosec\" (bandit) and/or \"noqa\" (ruff)")
            values[name] = tools
        elif name == "secrets_in_tests":
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: '{key}' must be true or false")
            values[name] = value
        else:
            known = "select, ignore, per-file-ignores, exclude, severity, min-confidence, max-file-size, timeout, auth-guards, sanitizers, public-routes, secrets-in-tests, external-suppressions"
            raise ConfigError(f"{where}: unknown key '{key}' (known keys: {known})")
    return values


def load_file(path: Path) -> Config:
    """Read ``[tool.codeward]`` from one pyproject.toml."""
    try:
        data = tomllib.loads(read_regular_text(path, _MAX_PYPROJECT))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    table = data.get("tool", {}).get("codeward", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.codeward] must be a table")
    return Config(**_validate(table, f"{path} [tool.codeward]"), root=real_path(path).parent, source=str(path))


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` with a [tool.codeward] table."""
    start = real_path(start)
    for directory in [start, *start.parents] if start.is_dir() else list(start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                text = read_regular_text(candidate, _MAX_PYPROJECT)
            except (OSError, UnicodeDecodeError):
                continue
            if "[tool.codeward" in text:
                return candidate
    return None


def discover(start: Path) -> Config:
    """Configuration for a scan of ``start``: the nearest [tool.codeward], else defaults."""
    found = find_pyproject(start)
    if found is None:
        root = real_path(start) if start.is_dir() else real_path(start).parent
        return Config(root=root)
    return load_file(found)
