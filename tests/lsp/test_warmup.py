"""The server's warm-up (issue 16 item 4): what it pays for before the first document."""

from __future__ import annotations

import pytest

from codeward.server.lsp import warmup


@pytest.mark.parametrize("waiting", [False, True])
def test_the_sample_is_analysed_only_while_no_document_waits(monkeypatch, waiting: bool) -> None:
    """A document already waiting pays the first-use costs itself; analysing the sample
    first would only delay its result. The rules and their data are loaded either way."""
    analysed: list[str] = []
    loaded: list[str] = []
    monkeypatch.setattr(warmup, "analyze", lambda doc: analysed.append(doc.text))
    monkeypatch.setattr(warmup, "all_rules", lambda: loaded.append("rules"))
    monkeypatch.setattr(warmup.knowledge, "load", lambda: loaded.append("knowledge"))
    warmup.load_engine(lambda: waiting)
    assert loaded == ["rules", "knowledge"]
    assert analysed == ([] if waiting else [warmup._SAMPLE])
