"""Template dialect detection on text built to make a regular expression backtrack.

Found on a real repository: an Angular template with ``f(`` and many lines without a
closing parenthesis made the scan of the whole project hang (exponential backtracking in
the Jinja-only pattern). Linear patterns finish at once; the alarm turns a regression into
a failure instead of a hung test run.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.source import SourceDoc
from codeward.checks.templates.document import detect_dialect


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    def expired(*_: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


UNCLOSED_CALLS = [
    '<div ng-click="select(' + "item.name\n" * 4000,
    "<p>" + "call(a, b\n" * 3000,
    "{{ f(" + "x" * 50_000,
]


@pytest.mark.parametrize("text", UNCLOSED_CALLS, ids=["one-call", "many-calls", "long-line"])
def test_dialect_detection_is_linear(text: str) -> None:
    with deadline(10):
        assert detect_dialect(text, None) in ("jinja", "django")


def test_a_pathological_template_is_analysed(tmp_path) -> None:
    text = UNCLOSED_CALLS[0] + '"></div>\n{{ comment|safe }}\n'
    with deadline(20):
        analyze(SourceDoc(text, "templates/page.html", "template"), Config(root=tmp_path))
