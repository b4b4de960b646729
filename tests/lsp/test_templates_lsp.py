"""Templates in the editor: a view passing request data makes `|safe` in its template a
finding, shown in the template with the view's render call as related information, and
editing the view (escaping the value) clears it without touching the template."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from .session import PROFILES, start_session, stop_session

VIEW = '''from flask import Flask, render_template, request
from markupsafe import escape

app = Flask(__name__)


@app.route("/search")
def search():
    query = request.args.get("q", "")
    return render_template("search.html", query=query)
'''
TEMPLATE = '<p>Results for {{ query|safe }}</p>\n<p>{{ "<b>" ~ 1 }}\n<script>var q = {{ query|tojson }};</script>\n'


@pytest.mark.parametrize("profile", PROFILES)
async def test_view_to_template_flow_across_files(profile: str, tmp_path: Path) -> None:
    (tmp_path / "app" / "templates").mkdir(parents=True)
    (tmp_path / "app" / "views.py").write_text(VIEW, "utf-8")
    (tmp_path / "app" / "templates" / "search.html").write_text(TEMPLATE, "utf-8")
    session = await start_session(profile, tmp_path, pull=False)
    try:
        await session.log_containing("codeward: indexed")
        template = session.open("app/templates/search.html", TEMPLATE, language="jinja-html")
        found = await session.settled(template, lambda items: any(d.code == "CW410" for d in items))
        [finding] = [d for d in found if d.code == "CW410"]
        assert finding.range.start == types.Position(line=0, character=15)
        assert "user input from `request.args`" in finding.message
        if finding.related_information:  # clients that show related information get the view line
            assert finding.related_information[0].location.uri.endswith("app/views.py")
            assert finding.related_information[0].location.range.start.line == 9

        view = session.open("app/views.py", VIEW)
        await session.diagnostics(view)
        escaped = VIEW.replace("query=query)", "query=escape(query))")
        session.replace_all(view, escaped)
        session.save(view)
        await session.settled(template, lambda items: not any(d.code == "CW410" for d in items))
    finally:
        await stop_session(session)


async def test_half_typed_tag_keeps_the_other_findings(tmp_path: Path) -> None:
    (tmp_path / "app" / "templates").mkdir(parents=True)
    (tmp_path / "app" / "views.py").write_text(VIEW, "utf-8")
    session = await start_session("visual_studio_code", tmp_path, pull=False)
    try:
        await session.log_containing("codeward: indexed")
        uri = session.open("app/templates/search.html", TEMPLATE, language="html")
        await session.settled(uri, lambda items: any(d.code == "CW410" for d in items))
        typing = "<div>{{ query|sa\n" + TEMPLATE + "{% if query %\n"
        session.replace_all(uri, typing)
        found = await session.settled(uri, lambda items: any(d.code == "CW410" and d.range.start.line == 1 for d in items))
        assert [d.range.start.line for d in found if d.code == "CW410"] == [1]
    finally:
        await stop_session(session)
