import sqlite3

from flask import Flask, jsonify, make_response, render_template, render_template_string, request

from .admin import admin

app = Flask(__name__)
app.register_blueprint(admin, url_prefix="/admin")


def conn():
    c = sqlite3.connect("guestbook.db")
    c.row_factory = sqlite3.Row
    return c


@app.route("/")
def index():
    rows = conn().execute("SELECT name, message FROM entries ORDER BY id DESC").fetchall()
    return render_template("index.html", entries=rows)


@app.route("/sign", methods=["POST"])
def sign():
    name = request.form["name"]
    message = request.form["message"]
    c = conn()
    c.execute("INSERT INTO entries (name, message) VALUES ('%s', '%s')" % (name, message))
    c.commit()
    return "<p>Thanks, " + name + "!</p>"


@app.route("/entries/<int:entry_id>")
def entry(entry_id):
    row = conn().execute("SELECT name, message FROM entries WHERE id = " + str(entry_id)).fetchone()
    return render_template_string("<h2>{{ name }}</h2><p>" + row["message"] + "</p>", name=row["name"])


@app.route("/search")
def search():
    who = request.args.get("name", "")
    c = conn()
    rows = c.execute("SELECT message FROM entries WHERE name = '{}'".format(who)).fetchall()
    html = "<h3>Messages by %s</h3>" % who
    html += "".join("<p>%s</p>" % r["message"] for r in rows)
    return html


@app.route("/error")
def error():
    msg = request.args.get("msg", "Something went wrong")
    resp = make_response(render_template("error.html", msg=msg))
    return resp


@app.route("/api/entries")
def api_entries():
    limit = request.args.get("limit", "20")
    rows = conn().execute("SELECT name, message FROM entries LIMIT ?", (int(limit),)).fetchall()
    return jsonify([dict(r) for r in rows])


@app.route("/count")
def count():
    name = request.args.get("name", "")
    cur = conn().cursor()
    cur.executescript(f"SELECT COUNT(*) FROM entries WHERE name = '{name}';")
    return "ok"
