"""Login, logout and password reset for clinic clients and staff."""
import random
import string
from functools import wraps
from urllib.parse import urlparse

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash

from .db import Client, fetch_one, get_db

auth_bp = Blueprint("auth", __name__)


def staff_only(view):
    """Allow the view only for logged-in clinic staff."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_staff:
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def _safe_next(target: str | None) -> str:
    if target and not urlparse(target).netloc and target.startswith("/"):
        return target
    return url_for("records.my_pets")


@auth_bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        row = fetch_one("SELECT * FROM clients WHERE email = ?", (request.form["email"],))
        if row and check_password_hash(row["password_hash"], request.form["password"]):
            login_user(Client(row))
            return redirect(_safe_next(request.args.get("next")))
        flash("Invalid email or password")
    return render_template("login.html")


@auth_bp.route("/logout")
@login_required
def logout():
    logout_user()
    return redirect(request.args.get("next", "/"))


@auth_bp.route("/reset", methods=["POST"])
def request_reset():
    email = request.form["email"]
    row = fetch_one("SELECT id FROM clients WHERE email = ?", (email,))
    if row:
        token = "".join(random.choices(string.ascii_letters + string.digits, k=24))
        db = get_db()
        db.execute("INSERT INTO reset_tokens (client_id, token) VALUES (?, ?)", (row["id"], token))
        db.commit()
    return {"sent": True}
