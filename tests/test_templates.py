"""Template analysis: tolerant tag scanning, dialect detection, where values land, the
view→template join through the taint engine, and template fixes that keep templates whole."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.files import kind_of
from codeward.checks.fixes import apply_fix
from codeward.checks.knowledge import load
from codeward.checks.project import ProjectIndex
from codeward.checks.source import SourceDoc
from codeward.checks.taint.flow import ModuleFlow
from codeward.checks.taint.model import model_for
from codeward.checks.templates.document import detect_dialect
from codeward.checks.templates.html import HtmlMap
from codeward.checks.templates.lexer import masked, tags

LOW = Config().with_overrides(min_confidence="low")


def _analyse(template: str, views: dict[str, str] | None = None, path: str = "app/templates/page.html"):
    project = ProjectIndex(Path("."))
    for name, text in (views or {}).items():
        project.update(name, SourceDoc(text, name, "python", name[:-3].replace("/", ".")))
    doc = SourceDoc(template, path, "template")
    return doc, analyze(doc, LOW, project, path).findings


def test_template_files_are_recognised() -> None:
    assert kind_of("app/templates/index.html") == "template"
    assert kind_of("page.jinja2") == kind_of("mail.j2") == kind_of("x.djhtml") == "template"
    assert kind_of(Path("blog/templates/blog/list.tpl")) == "template"
    assert kind_of("notes/list.tpl") is None


def test_unclosed_tags_end_at_the_next_tag() -> None:
    text = "{{ a|safe\n<p>{{ b }}</p>{% if x %\n{{ c }}"
    found = tags(text)
    assert [(t.kind, t.closed, t.inner(text).strip()) for t in found] == [
        ("output", False, "a|safe"), ("output", True, "b"), ("statement", False, "if x %"), ("output", True, "c"),
    ]


def test_raw_regions_print_their_tags_as_text() -> None:
    text = "{% raw %}{{ a|safe }}{% endraw %}{% verbatim %}{{ b }}{% endverbatim %}{{ c }}"
    assert [t.inner(text).strip() for t in tags(text) if t.kind == "output"] == ["c"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}%#-+ <>ab|\"'\n=/script", max_size=80))
def test_any_text_scans_and_analyses_without_raising(text: str) -> None:
    found = tags(text)
    assert all(0 <= t.start <= t.inner_start <= t.inner_end <= t.end <= len(text) for t in found)
    assert len(masked(text, found)) == len(text)
    HtmlMap(masked(text, found))
    _, findings = _analyse(text)
    assert all(f.code.startswith("CW4") for f in findings)


def test_dialect_from_syntax_then_project() -> None:
    assert detect_dialect("{% load static %}{{ x|date:'Y' }}", None) == "django"
    assert detect_dialect("{% set a = 1 %}{{ a|tojson }}", "django") == "jinja"
    assert detect_dialect("<p>{{ x }}</p>", "django") == "django"
    assert detect_dialect("<p>{{ x }}</p>", None) == "jinja"


def test_where_values_land() -> None:
    text = '<a href="{{ u }}" title="x {{ t }}" onclick="f({{ i }})">{{ body }}</a><script type="text/template">{{ tpl }}</script><script>var a = "{{ s }}";</script>'
    html = HtmlMap(masked(text, tags(text)))
    at = lambda name: text.index("{{ " + name)  # noqa: E731
    assert html.context(at("u")).url and html.starts_value(html.context(at("u")).attribute, at("u"))
    assert not html.context(at("t")).url
    assert html.context(at("i")).event_handler
    assert html.context(at("body")) == html.context(0) or not html.context(at("body")).script
    assert not html.context(at("tpl")).script
    assert html.context(at("s")).script and html.quoted_in_script(at("s"), at("s") + 7) == '"'


VIEW = '''from flask import render_template, request
from markupsafe import escape


def search():
    q = request.args.get("q", "")
    return render_template("page.html", q=q, clean=escape(q), title="Hello", label=LABEL)
'''


def test_views_decide_the_confidence() -> None:
    template = "{{ q|safe }}\n{{ clean|safe }}\n{{ title|safe }}\n{{ label|safe }}\n{{ other|safe }}\n"
    _, findings = _analyse(template, {"app/views.py": VIEW})
    assert [(f.range.start.line, f.confidence.value) for f in findings] == [(0, "high"), (3, "low"), (4, "low")]
    assert findings[0].flow[0].path == "app/views.py" and findings[0].flow[0].range.start.line == 6


def test_a_template_of_another_name_is_not_linked() -> None:
    _, findings = _analyse("{{ q|safe }}", {"app/views.py": VIEW}, path="app/templates/other.html")
    assert [(f.confidence.value, f.flow) for f in findings] == [("low", ())]


FORMS = '''from django import forms


class CommentForm(forms.ModelForm):
    class Meta:
        fields = ["text"]
'''
DETAIL = '''from django.shortcuts import get_object_or_404, render


def detail(request, pk):
    return render(request, "page.html", {"comment": get_object_or_404(Comment, pk=pk)})
'''


def test_stored_fields_clients_write_are_user_text() -> None:
    template = "{{ comment.text|safe }}\n{{ comment.author_id|safe }}\n<script>var t = {{ comment.text }}; var l = {{ comment.link }};</script>"
    _, findings = _analyse(template, {"app/forms.py": FORMS, "app/views.py": DETAIL})
    assert [(f.code, f.range.start.line, f.confidence.value) for f in findings] == [
        ("CW410", 0, "high"), ("CW410", 1, "medium"), ("CW413", 2, "high"), ("CW413", 2, "low"),
    ]
    assert "`text`, a field users write" in findings[0].message


def test_fields_written_from_request_data_are_user_text() -> None:
    view = '''from flask import render_template, request


def save():
    note = Note(title=request.form["title"], slug="fixed")
    note.body = request.form.get("body")
    return render_template("page.html", note=Note.query.first())
'''
    _, findings = _analyse("{{ note.title|safe }}{{ note.body|safe }}{{ note.slug|safe }}", {"app/views.py": view})
    assert [f.confidence.value for f in findings] == ["high", "high", "medium"]


def test_the_taint_engine_reports_watched_expressions() -> None:
    doc = SourceDoc(VIEW, "views.py", "python", "views")
    call = next(n for n in ast.walk(doc.tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "render_template")
    values = {kw.arg: kw.value for kw in call.keywords}
    flow = ModuleFlow(doc, model_for(load()), watch=values.values())
    flow.run()
    assert {label.origin.what for label in flow.watched[id(values["q"])]} == {"request.args"}
    assert all(not label.live_for("html") for label in flow.watched[id(values["clean"])])
    assert id(values["title"]) not in flow.watched or not flow.watched[id(values["title"])]


def test_template_fixes_keep_every_tag_closed() -> None:
    root = Path(__file__).parent / "fixtures" / "projects"
    for template in sorted(root.rglob("*.html")):
        if ".fixed." in template.name:
            continue
        text = template.read_text("utf-8")
        project = ProjectIndex(template.parents[2])
        for view in template.parents[2].rglob("*.py"):
            rel = view.relative_to(project.root).as_posix()
            project.update(rel, SourceDoc(view.read_text("utf-8"), rel, "python", rel[:-3].replace("/", ".")))
        rel = template.relative_to(project.root).as_posix()
        doc = SourceDoc(text, rel, "template")
        for finding in analyze(doc, LOW, project, rel).findings:
            if finding.fix is None:
                continue
            fixed = apply_fix(doc, finding.fix)
            before = sorted((t.kind, t.closed) for t in tags(text))
            assert sorted((t.kind, t.closed) for t in tags(fixed)) == before, (template, finding.code)


def test_a_record_updated_from_the_request_is_user_text_only_in_those_fields() -> None:
    view = '''from django.shortcuts import get_object_or_404, render


def edit(request, pk):
    item = get_object_or_404(Item, pk=pk)
    item.note = request.POST.get("note", "")
    item.save()
    return render(request, "page.html", {"item": item})
'''
    template = '{{ item.note|safe }}\n<a href="{{ item.receipt.url }}">r</a>\n<button onclick="del({{ item.id }})">x</button>'
    _, findings = _analyse(template, {"app/views.py": view})
    assert [(f.code, f.range.start.line, f.confidence.value) for f in findings] == [("CW410", 0, "high"), ("CW412", 1, "low")]


def test_selecting_only_template_rules_still_reads_the_views(tmp_path: Path) -> None:
    from codeward.checks.scan import scan

    (tmp_path / "templates").mkdir()
    (tmp_path / "app.py").write_text(VIEW)
    (tmp_path / "templates" / "page.html").write_text("{{ q|safe }}")
    result = scan([tmp_path], Config(root=tmp_path).with_overrides(select=["CW410"]))
    assert [(f.code, f.confidence.value) for f in result.findings] == [("CW410", "high")]


def test_links_the_app_builds_are_not_user_urls() -> None:
    view = '''from flask import render_template, request, url_for


def index():
    page = request.args.get("page", 1)
    next_url = url_for("index", page=page) if page else None
    return render_template("page.html", next_url=next_url, back=request.args.get("back"))
'''
    _, findings = _analyse('<a href="{{ next_url }}">next</a><a href="{{ back }}">back</a>', {"app/views.py": view})
    assert [(f.code, f.confidence.value, f.range.start.column) for f in findings] == [("CW412", "high", 42)]


def test_records_chosen_by_a_search_term_hold_stored_data_not_the_term() -> None:
    """The search words and the page number only choose the records: printing a record's
    field is stored data (low for a column no form writes), not "user input from request.GET"."""
    view = '''from django.core.paginator import Paginator
from django.shortcuts import render


def people(request):
    profiles = Profile.objects.filter(is_public=True)
    profiles = profiles.filter(name__icontains=request.GET.get("q", ""))
    page = Paginator(profiles, 20).get_page(request.GET.get("page"))
    return render(request, "page.html", {"page": page, "q": request.GET.get("q", "")})
'''
    template = '{% for p in page %}<a href="{{ p.website }}">{{ p.name }}</a>{% endfor %}\n<a href="{{ q }}">again</a>'
    _, findings = _analyse(template, {"app/views.py": view})
    assert [(f.code, f.range.start.line, f.confidence.value) for f in findings] == [("CW412", 0, "low"), ("CW412", 1, "high")]
    assert "stored data from `Profile.objects.filter()`" in findings[0].message


def test_attributes_the_framework_computes_are_not_user_text() -> None:
    """A bound field's element id and a model's own link are built by Django whatever the
    form or record holds: no CW413 in a script, no CW412 in an href (real code: 12 false)."""
    view = '''from django.shortcuts import render


def club_create(request):
    form = ClubForm(request.POST or None)
    profile = Profile.objects.filter(name=request.GET.get("q", "")).first()
    return render(request, "page.html", {"form": form, "profile": profile, "next": request.GET.get("next")})
'''
    template = (
        '<script>const el = document.getElementById("{{ form.banner_image.id_for_label }}");</script>\n'
        '<a href="{{ profile.get_absolute_url }}">profile</a>\n'
        '<script>const next = ["{{ next }}", "{{ next }}"];</script>'
    )
    _, findings = _analyse(template, {"app/views.py": view})
    assert [(f.code, f.range.start.line) for f in findings] == [("CW413", 2), ("CW413", 2)]


def test_one_escaped_value_in_a_closed_script_string_is_not_reported() -> None:
    """Escaping turns quotes and `<` into entities a <script> does not decode, so a lone value
    cannot leave its string; a second value on the line can (a trailing backslash in the
    first makes code of the second). Real code: 4 false CW413."""
    view = '''from django.shortcuts import render


def room(request):
    return render(request, "page.html", {"code": request.GET.get("code", "")})
'''
    template = (
        "<script>\nconst roomCode = '{{ code }}';\n"
        "join('{{ code }}', '{{ code }}');\n"
        "const unclosed = '{{ code }}\n"
        "</script>"
    )
    _, findings = _analyse(template, {"app/views.py": view})
    assert [(f.code, f.range.start.line) for f in findings] == [("CW413", 2), ("CW413", 2), ("CW413", 3)]
