from flask import Flask, render_template, render_template_string, request
from markupsafe import Markup, escape

from .db import close_db, db

app = Flask(__name__)
app.teardown_appcontext(close_db)


@app.route("/search")
def search():
    term = request.args.get("q", "")
    category = request.args.get("category", "all")
    sql = "SELECT name, price FROM products WHERE name LIKE '%" + term + "%'"
    if category != "all":
        sql += " AND category = '" + category + "'"
    rows = db().execute(sql).fetchall()
    return render_template("results.html", rows=rows, term=term)


@app.route("/search/v2")
def search_v2():
    term = request.args.get("q", "")
    rows = db().execute("SELECT name, price FROM products WHERE name LIKE ?", (f"%{term}%",)).fetchall()
    return render_template("results.html", rows=rows, term=term)


@app.route("/search/sorted")
def search_sorted():
    sort = request.args.get("sort", "name")
    if sort not in {"name", "price"}:
        sort = "name"
    rows = db().execute(f"SELECT name, price FROM products ORDER BY {sort}").fetchall()
    return render_template("results.html", rows=rows, term="")


@app.route("/suggest")
def suggest():
    term = request.args.get("q", "")
    return f"<ul><li>Did you mean <b>{term}</b>?</li></ul>"


@app.route("/suggest/v2")
def suggest_v2():
    term = request.args.get("q", "")
    return f"<ul><li>Did you mean <b>{escape(term)}</b>?</li></ul>"


@app.route("/no-results")
def no_results():
    term = request.args.get("q", "")
    template = "<h1>No results for " + term + "</h1>"
    return render_template_string(template)


@app.route("/no-results/v2")
def no_results_v2():
    term = request.args.get("q", "")
    return render_template_string("<h1>No results for {{ term }}</h1>", term=term)


@app.route("/highlight")
def highlight():
    term = request.args.get("q", "")
    snippet = request.args.get("snippet", "")
    return Markup(snippet.replace(term, "<mark>" + term + "</mark>"))
