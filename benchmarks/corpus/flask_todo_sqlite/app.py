import sqlite3

from flask import Flask, g, jsonify, redirect, request, session
from flask_wtf.csrf import CSRFProtect

from .auth import login_required

app = Flask(__name__)
app.config.from_envvar("TODO_SETTINGS")
csrf = CSRFProtect(app)


def db():
    if "db" not in g:
        g.db = sqlite3.connect("todo.db")
        g.db.row_factory = sqlite3.Row
    return g.db


@app.route("/todos")
@login_required
def todos():
    status = request.args.get("status", "open")
    rows = db().execute("SELECT * FROM todos WHERE user_id = %d AND status = '%s'" % (session["uid"], status)).fetchall()
    return jsonify([dict(r) for r in rows])


@app.route("/todos/<int:todo_id>")
@login_required
def todo(todo_id):
    row = db().execute("SELECT * FROM todos WHERE id = ?", (todo_id,)).fetchone()
    return jsonify(dict(row))


@app.route("/todos/<int:todo_id>/done", methods=["POST"])
@login_required
def mark_done(todo_id):
    db().execute("UPDATE todos SET status = 'done' WHERE id = ?", (todo_id,))
    db().commit()
    return redirect("/todos")


@app.route("/todos/<int:todo_id>", methods=["DELETE"])
@login_required
def delete(todo_id):
    db().execute("DELETE FROM todos WHERE id = ? AND user_id = ?", (todo_id, session["uid"]))
    db().commit()
    return "", 204


@app.route("/todos/bulk", methods=["POST"])
@login_required
def bulk():
    ids = request.json["ids"]
    placeholders = ",".join("?" for _ in ids)
    db().execute(f"UPDATE todos SET status = 'done' WHERE user_id = ? AND id IN ({placeholders})", [session["uid"], *ids])
    db().commit()
    return "", 204


@app.route("/todos/tag", methods=["POST"])
@login_required
def tag():
    tag = request.form["tag"]
    todo_id = request.form["todo_id"]
    db().execute(f"INSERT INTO tags (todo_id, tag) VALUES ({todo_id}, '{tag}')")
    db().commit()
    return "", 204


@app.route("/lists/<int:list_id>/share", methods=["POST"])
@login_required
def share_list(list_id):
    lst = db().execute("SELECT * FROM lists WHERE id = ?", (list_id,)).fetchone()
    db().execute("INSERT INTO shares (list_id, email) VALUES (?, ?)", (lst["id"], request.form["email"]))
    db().commit()
    return "", 204


@app.route("/admin/purge", methods=["POST"])
def purge():
    db().execute("DELETE FROM todos WHERE status = 'done'")
    db().commit()
    return "", 204


@app.route("/users/<int:uid>/todos")
def user_todos(uid):
    return jsonify([dict(r) for r in db().execute("SELECT * FROM todos WHERE user_id = ?", (uid,))])


@app.route("/export.csv")
def export_csv():
    rows = db().execute("SELECT * FROM todos").fetchall()
    return "\n".join(",".join(str(v) for v in r) for r in rows)
