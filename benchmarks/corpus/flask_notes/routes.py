from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, url_for

from .auth import login_required
from .db import get_db

bp = Blueprint("notes", __name__)


@bp.route("/")
@login_required
def index():
    notes = get_db().execute(
        "SELECT * FROM notes WHERE user_id = ? ORDER BY created DESC", (g.user["id"],)
    ).fetchall()
    return render_template("notes/index.html", notes=notes)


@bp.route("/search")
@login_required
def search():
    q = request.args.get("q", "")
    db = get_db()
    rows = db.execute(
        f"SELECT id, title FROM notes WHERE user_id = {g.user['id']} AND title LIKE '%{q}%'"
    ).fetchall()
    return jsonify([dict(r) for r in rows])


@bp.route("/notes/<int:note_id>")
@login_required
def view_note(note_id):
    note = get_db().execute("SELECT * FROM notes WHERE id = ?", (note_id,)).fetchone()
    if note is None:
        abort(404)
    return render_template("notes/view.html", note=note)


@bp.route("/notes/<int:note_id>/edit", methods=("POST",))
@login_required
def edit_note(note_id):
    db = get_db()
    note = db.execute(
        "SELECT * FROM notes WHERE id = ? AND user_id = ?", (note_id, g.user["id"])
    ).fetchone()
    if note is None:
        abort(404)
    db.execute(
        "UPDATE notes SET title = ?, body = ? WHERE id = ?",
        (request.form["title"], request.form["body"], note_id),
    )
    db.commit()
    return redirect(url_for("notes.view_note", note_id=note_id))


@bp.route("/notes/<int:note_id>/delete", methods=("POST",))
def delete_note(note_id):
    db = get_db()
    db.execute("DELETE FROM notes WHERE id = ?", (note_id,))
    db.commit()
    return redirect(url_for("notes.index"))


@bp.route("/notes/export")
@login_required
def export_notes():
    order = request.args.get("order", "created")
    rows = get_db().execute(
        "SELECT title, body FROM notes WHERE user_id = ? ORDER BY " + order, (g.user["id"],)
    ).fetchall()
    return jsonify([dict(r) for r in rows])
