"""Server-wide behaviour: settings, push vs pull, on-save mode, failures, index, workspace."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.uris import from_fs_path

from .session import INSTRUMENTED, PROFILES, VULNERABLE, start_session, stop_session

TWO = 'import requests\nfrom flask import Flask\n\napp = Flask(__name__)\napp.debug = True\nrequests.get("https://a.example", verify=False)\n'


@pytest.mark.parametrize("profile", PROFILES)
async def test_settings_from_init_options_then_workspace_configuration(profile: str, tmp_path: Path) -> None:
    session = await start_session(profile, tmp_path, init_options={"codeward": {"severity": {"CW502": "warning"}}},
                                  configuration={"severity": {"CW502": "warning"}})
    try:
        uri = session.open("app.py", TWO)
        diags = await session.diagnostics(uri)
        assert sorted(d.code for d in diags) == ["CW501", "CW502"]
        assert next(d for d in diags if d.code == "CW502").severity == types.DiagnosticSeverity.Warning
        session.client.set_configuration({"ignore": ["CW502"]}, section="codeward")
        session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        await session.log_containing("ignore=('CW502',)")
        assert [d.code for d in await session.settled(uri, lambda ds: len(ds) == 1)] == ["CW501"]
        session.client.set_configuration({"enable": False}, section="codeward")
        session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        await session.log_containing("enable=False")
        assert await session.settled(uri, lambda ds: not ds) == []
    finally:
        await stop_session(session)


@pytest.mark.parametrize(("profile", "pull"), [("visual_studio_code", True), ("neovim", False)])
async def test_pull_or_push_never_both(profile: str, pull: bool, tmp_path: Path) -> None:
    """The profiles' defaults (VS Code pull, Neovim 0.11 push) are covered elsewhere;
    here each profile is forced the other way."""
    session = await start_session(profile, tmp_path, pull=pull)
    try:
        uri = session.open("app.py", VULNERABLE)
        assert [d.code for d in await session.diagnostics(uri)] == ["CW502"]
        session.replace_all(uri, "x = 1\n")
        assert await session.diagnostics(uri) == []
        if pull:
            assert session.client.published == {}
        else:
            assert sorted({v for v, _ in session.client.published[uri]}) == [1, 2]
    finally:
        await stop_session(session)


async def test_big_paste_skips_the_debounce_and_stale_versions_are_never_published(tmp_path: Path) -> None:
    session = await start_session("visual_studio_code", tmp_path, pull=False, init_options={"debounce": 10000})
    try:
        uri = session.open("app.py", "import requests\n")
        assert await session.diagnostics(uri) == []
        started = time.monotonic()
        block = "".join(f"requests.get('https://{i}.example', verify=False)\n" for i in range(6))
        end = types.Position(line=1, character=0)
        session.change(uri, [types.TextDocumentContentChangePartial(range=types.Range(start=end, end=end), text=block)], "import requests\n" + block)
        assert len(await session.diagnostics(uri)) == 6
        assert time.monotonic() - started < 8, "a 6-line paste must not wait for the 10 s debounce"
        for _ in range(20):  # many pastes in a row: only versions that were current get published
            session.replace_all(uri, session.texts[uri] + block)
        assert len(await session.diagnostics(uri)) == 6 * 21
        versions = [v for v, _ in session.client.published[uri]]
        assert versions == sorted(versions) and versions[-1] == session.versions[uri]
    finally:
        await stop_session(session)


async def test_failing_rule_is_logged_once_and_others_still_report(tmp_path: Path) -> None:
    session = await start_session("neovim", tmp_path, server=INSTRUMENTED)
    try:
        uri = session.open("app.py", VULNERABLE)
        assert [d.code for d in await session.diagnostics(uri)] == ["CW502"]
        message = await session.log_containing("CW099")
        assert "app.py" in message.message and message.type == types.MessageType.Error
        session.replace_all(uri, VULNERABLE + "print(1)\n")
        await session.diagnostics(uri)
        assert len([m for m in session.client.log_messages if "CW099" in m.message]) == 1
        # a handler crash on the client's input (a change for a document never opened) is a
        # protocol error: logged each time, never a popup (issue 12, item 13)
        for _ in range(3):
            session.client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri + "-missing", version=2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text="x")]))
        await session.until(lambda: len([m for m in session.client.log_messages if "internal error" in m.message]) >= 3, "3 error logs")
        assert len(session.client.messages) == 0
        assert [d.code for d in await session.diagnostics(uri)] == ["CW502"], "still serving"
    finally:
        await stop_session(session)


async def test_index_progress_and_dependents_rechecked_on_save(tmp_path: Path) -> None:
    (tmp_path / "danger.py").write_text("def dangerous(f):\n    return f\n\n@dangerous\ndef wipe():\n    pass\n")
    session = await start_session("visual_studio_code", tmp_path, server=INSTRUMENTED, init_options={"select": ["CW098"]})
    try:
        await session.log_containing("codeward: indexed")
        ends = [r for reports in session.client.progress_reports.values() for r in reports if isinstance(r, types.WorkDoneProgressEnd)]
        assert ends and "indexed" in (ends[0].message or "")
        uri = session.open("main.py", "from danger import wipe\n\nwipe()\n")
        assert [d.code for d in await session.diagnostics(uri)] == ["CW098"]
        other = from_fs_path(str(tmp_path / "danger.py"))
        session.versions[other], session.texts[other] = 1, (tmp_path / "danger.py").read_text()
        session.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=other, language_id="python", version=1, text=session.texts[other])))
        session.replace_all(other, "def wipe():\n    pass\n")
        before = session.published_count(uri)
        session.save(other)
        await session.log_containing("re-checking 1 open file")
        assert await session.next_diagnostics(uri, before) == []
    finally:
        await stop_session(session)


async def test_pyproject_change_and_workspace_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "closed.py").write_text(VULNERABLE)
    session = await start_session("visual_studio_code", tmp_path, pull=False, init_options={"workspaceDiagnostics": True})
    try:
        closed = from_fs_path(str(tmp_path / "closed.py"))
        await session.until(lambda: session.client.published.get(closed), "workspace diagnostics for a closed file")
        assert [d.code for d in session.client.published[closed][-1][1]] == ["CW502"]
        uri = session.open("app.py", VULNERABLE)
        assert [d.code for d in await session.diagnostics(uri)] == ["CW502"]
        before = session.published_count(uri)
        pyproject = tmp_path / "pyproject.toml"
        pyproject.write_text('[tool.codeward]\nignore = ["CW502"]\n')
        session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=from_fs_path(str(pyproject)), type=types.FileChangeType.Created)]))
        assert await session.next_diagnostics(uri, before) == []
        # broken pyproject: reported once, defaults used, server keeps going
        pyproject.write_text("[tool.codeward]\nselect = 5\n")
        before = session.published_count(uri)
        session.save(uri)
        assert [d.code for d in await session.next_diagnostics(uri, before)] == ["CW502"]
        await session.log_containing("'select' must be")
    finally:
        await stop_session(session)


ROUTES = (
    "from flask import Flask\nfrom flask_login import login_required\n\napp = Flask(__name__)\n\n\n"
    "@app.route('/notes')\n@login_required\ndef notes():\n    return 'mine'\n\n\n"
    "@app.route('/health')\ndef health():\n    return 'ok'\n"
)


@pytest.mark.parametrize("profile", PROFILES)
async def test_route_code_lens_summarises_each_handler(profile: str, tmp_path: Path) -> None:
    session = await start_session(profile, tmp_path)
    try:
        uri = session.open("app.py", ROUTES)
        await session.diagnostics(uri)
        lenses = await session.client.text_document_code_lens_async(
            types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        by_line = {lens.range.start.line: lens.command.title for lens in lenses}
        assert sorted(by_line) == [6, 12], by_line  # above each first decorator, not between them and `def`
        assert by_line[6].startswith("GET /notes · auth: login_required")
        assert by_line[12].startswith("GET /health · auth: public")
    finally:
        await stop_session(session)


@pytest.mark.parametrize("profile", PROFILES)
async def test_debounce_adapts_to_the_documents_analysis_cost(profile: str, tmp_path: Path) -> None:
    """The setting is the longest wait: a cheap document is analysed about as soon as its
    analysis would take, not after the configured 10 s."""
    session = await start_session(profile, tmp_path, init_options={"debounce": 10000})
    try:
        uri = session.open("app.py", VULNERABLE)
        assert [d.code for d in await session.diagnostics(uri)] == ["CW502"]
        started = time.monotonic()
        session.replace_all(uri, "x = 1\n")
        assert await session.diagnostics(uri) == []
        # Waiting the configured debounce would take at least 10 s; anything clearly below shows
        # the adaptive wait (a loaded machine has taken 6 s for this whole round trip).
        assert time.monotonic() - started < 9.5, "the edit waited for the configured 10 s debounce"
    finally:
        await stop_session(session)


def test_cancelling_an_answered_request_is_not_logged(caplog) -> None:
    """Editors cancel superseded requests all the time; pygls warned about each one that was
    already answered, and VS Code showed every warning as an error."""
    import logging

    from codeward.server.lsp.server import configure_logging

    configure_logging()
    pygls_log = logging.getLogger("pygls.protocol.json_rpc")
    with caplog.at_level(logging.WARNING):
        pygls_log.warning('Cancel notification for unknown message id "%s"', 41)
        pygls_log.warning("Failed to handle request %s", 42)
    assert [r.getMessage() for r in caplog.records] == ["Failed to handle request 42"]


def test_rule_documentation_link_without_a_checkout(monkeypatch) -> None:
    """Installed from a wheel (the VS Code extension's bundled server) there is no docs
    folder: the link goes to the package's documentation URL, at the rule's heading."""
    from codeward.checks.registry import all_rules
    from codeward.server.lsp import diagnostics

    rule = all_rules()["CW502"]
    local = diagnostics.rule_doc_url(rule)
    assert local is not None and local.startswith("file://") and local.endswith("#cw502-" + rule.name.lower())
    monkeypatch.setattr(diagnostics, "RULES_DOC", diagnostics.RULES_DOC.with_name("absent.md"))
    diagnostics.rules_doc_base.cache_clear()
    try:
        remote = diagnostics.rule_doc_url(rule)
    finally:
        diagnostics.rules_doc_base.cache_clear()
    assert remote is not None and remote.startswith("https://") and remote.endswith("/docs/rules.md#cw502-" + rule.name.lower())


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12+ parses PEP 695 statements")
@pytest.mark.parametrize("profile", PROFILES)
async def test_newer_syntax_is_reported_as_not_analysed(profile: str, tmp_path: Path) -> None:
    """Under an older Python a 3.12 statement is masked like a typo; the user is told why
    it is not analysed (a line-1 warning, and the log once), and the rest of the module still is."""
    session = await start_session(profile, tmp_path)
    try:
        uri = session.open("app.py", "type Rows = list[dict]\n" + VULNERABLE)
        diagnostics = await session.diagnostics(uri)
        assert [d.code for d in diagnostics] == ["CW502", "not-analysed"]
        assert "line 1 is a `type` alias statement (Python 3.12), newer than the Python" in diagnostics[1].message
        await session.log_containing("line 1 is a `type` alias statement")
        session.replace_all(uri, "type Rows = list[dict]\n" + VULNERABLE + "\n")
        await session.diagnostics(uri)
        assert len([m for m in session.client.log_messages if "line 1 is a `type` alias" in m.message]) == 1
    finally:
        await stop_session(session)


def test_the_engine_is_loaded_before_the_first_document_arrives(tmp_path: Path) -> None:
    """A fresh server loads the rules, their data and their first-use costs while the client
    shakes hands (issue 16 item 4): the first document's analysis imports nothing more."""
    import subprocess

    app = Path(__file__).parents[1] / "fixtures" / "rules" / "injection" / "command.py"
    buffer = tmp_path / "views.py"
    buffer.write_text(app.read_text() + "\n\ndef half_typed(value):\n    data = [\n")
    probe = (
        "import sys\n"
        "from codeward.server.lsp.server import create_server\n"
        "server = create_server()\n"
        "server.analysis_pool.submit(lambda: None).result()  # queued behind the warm-up\n"
        "before = set(sys.modules)\n"
        "from codeward.checks.engine import analyze\n"
        "from codeward.checks.source import SourceDoc\n"
        "found = analyze(SourceDoc(open(sys.argv[1]).read(), 'views.py', 'python', 'views')).findings\n"
        "assert found, 'the sample has findings'\n"
        "print(sorted(set(sys.modules) - before))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(buffer)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
