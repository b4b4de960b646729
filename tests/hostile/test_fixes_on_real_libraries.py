"""Item 12: unsafe fixes built on false positives must not break working code.

Tried on Django, flask, jinja2, werkzeug and requests, ``--fix --unsafe-fixes`` once turned
``num_tokens = len(tokens)`` into ``secrets.token_urlsafe(32)`` (CW303) and the keyword
comparisons ``token == "#bygroup"`` and ``pass_arg == "environment"`` into environment reads
(CW202). Here the installed packages are copied to a temporary folder, fixed with every rule
and unsafe fixes on, and no line holding a ``len(...)`` call or a comparison with a literal
may have been rewritten. (About two minutes: the five libraries are 1,000 files.)
"""

from __future__ import annotations

import difflib
import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from codeward.server.cli import main

LIBRARIES = ("django", "flask", "jinja2", "werkzeug", "requests")
#: A comparison with a string or number literal, on either side.
_LITERAL_COMPARISON = re.compile(r"""(?:==|!=)\s*(?:[rbuf]?["']|\d)|(?:["']|\d)\s*(?:==|!=)""")


def _installed() -> dict[str, Path]:
    found = {}
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            pytest.skip(f"{name} is not installed (the test extras install it)")
        found[name] = Path(list(spec.submodule_search_locations)[0])
    return found


def _rewritten_lines(before: str, after: str) -> list[str]:
    """Lines of ``before`` that the fix replaced or removed."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    old = before.splitlines()
    return [line for tag, a, b, _, _ in matcher.get_opcodes() if tag in ("replace", "delete") for line in old[a:b]]


def test_unsafe_fixes_keep_counts_and_keyword_comparisons(tmp_path: Path, capsys) -> None:
    originals = _installed()
    for name, folder in originals.items():
        shutil.copytree(folder, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    main(["scan", "--no-cache", "--fix", "--unsafe-fixes", "--format", "json", "--jobs", "2", str(tmp_path)])
    capsys.readouterr()
    broken = []
    for name, folder in originals.items():
        for source in sorted(folder.rglob("*.py")):
            copy = tmp_path / name / source.relative_to(folder)
            before, after = source.read_text("utf-8"), copy.read_text("utf-8")
            if before == after:
                continue
            for line in _rewritten_lines(before, after):
                if "len(" in line or _LITERAL_COMPARISON.search(line):
                    broken.append(f"{name}/{source.relative_to(folder)}: {line.strip()}")
    assert not broken, "fixes rewrote counts or literal comparisons:\n" + "\n".join(broken)
