"""Notes service, as an AI assistant might write it when asked for "a quick notes API"."""

import os
import sqlite3
from functools import wraps

import requests
from flask import Flask, abort, jsonify, request, session

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "")
DATABASE = "notes.db"


def get_db():
    conn = sqlite3.connect(DATABASE)
    conn.row_factory = sqlite3.Row
    return conn


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if "user_id" not in session:
            abort(401)
        return view(*args, **kwargs)
    return wrapped


@app.route("/health")
def health():
    return jsonify(status="ok")


@app.route("/notes")
@login_required
def list_notes():
    rows = get_db().execute("SELECT id, title FROM notes WHERE owner_id = ?", (session["user_id"],)).fetchall()
    return jsonify([dict(r) for r in rows])


@app.route("/notes/<int:note_id>")
@login_required
def get_note(note_id):
    row = get_db().execute("SELECT id, title, body FROM notes WHERE id = ?", (note_id,)).fetchone()
    if row is None:
        abort(404)
    return jsonify(dict(row))


@app.route("/notes/search")
@login_required
def search_notes():
    term = request.args.get("q", "")
    db = get_db()
    rows = db.execute(f"SELECT id, title FROM notes WHERE title LIKE '%{term}%'").fetchall()
    return jsonify([dict(r) for r in rows])


@app.route("/notes/<int:note_id>", methods=["DELETE"])
def delete_note(note_id):
    db = get_db()
    db.execute("DELETE FROM notes WHERE id = ?", (note_id,))
    db.commit()
    return "", 204


@app.route("/import", methods=["POST"])
@login_required
def import_notes():
    url = request.json["url"]
    data = requests.get(url, timeout=10, verify=False).json()
    return jsonify(imported=len(data))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000, debug=True)
