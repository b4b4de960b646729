import functools

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from .db import get_db, query

auth_bp = Blueprint("auth", __name__, url_prefix="/auth")


def cook_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("cook") is None:
            return redirect(url_for("auth.login", next=request.path))
        return view(*args, **kwargs)

    return wrapped


@auth_bp.before_app_request
def load_cook():
    cook_id = session.get("cook_id")
    g.cook = query("SELECT id, email FROM cooks WHERE id = ?", (cook_id,), one=True) if cook_id else None


@auth_bp.route("/signup", methods=["GET", "POST"])
def signup():
    if request.method == "POST":
        conn = get_db()
        conn.execute(
            "INSERT INTO cooks (email, pw_hash) VALUES (?, ?)",
            (request.form["email"], generate_password_hash(request.form["password"])),
        )
        conn.commit()
        return redirect(url_for("auth.login"))
    return render_template("auth/signup.html")


@auth_bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        cook = query("SELECT * FROM cooks WHERE email = ?", (request.form["email"],), one=True)
        if cook and check_password_hash(cook["pw_hash"], request.form["password"]):
            session.clear()
            session["cook_id"] = cook["id"]
            return redirect(request.args.get("next") or url_for("recipes.index"))
        error = "Wrong email or password"
    return render_template("auth/login.html", error=error)


@auth_bp.route("/logout")
def logout():
    session.clear()
    return redirect(url_for("recipes.index"))
