"""Notes service, as an AI assistant might write it when asked for "a quick notes API"."""

import os
import sqlite3

import requests
from flask import Flask, jsonify, request

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "")
DATABASE = "notes.db"


def get_db():
    conn = sqlite3.connect(DATABASE)
    conn.row_factory = sqlite3.Row
    return conn


@app.route("/health")
def health():
    return jsonify(status="ok")


@app.route("/notes/search")
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
def import_notes():
    url = request.json["url"]
    data = requests.get(url, timeout=10, verify=False).json()
    return jsonify(imported=len(data))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000, debug=True)
