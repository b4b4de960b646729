import hashlib
import random
import string

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash

from .database import db

accounts_bp = Blueprint("accounts", __name__)


def legacy_hash(password):
    return hashlib.sha1(password.encode()).hexdigest()


def temp_password():
    return "".join(random.choice(string.ascii_letters) for _ in range(12))


def support_pin():
    return str(random.randint(100000, 999999))


@accounts_bp.before_app_request
def load_operator():
    op_id = session.get("op_id")
    g.operator = db().q("SELECT * FROM operators WHERE id = ?", op_id)[0] if op_id else None


@accounts_bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        rows = db().q("SELECT * FROM operators WHERE username = ?", request.form["username"])
        if rows and (check_password_hash(rows[0]["pw"], request.form["password"]) or rows[0]["pw"] == legacy_hash(request.form["password"])):
            session["op_id"] = rows[0]["id"]
            return redirect(url_for("admin.home"))
    return render_template("login.html")


@accounts_bp.route("/logout")
def logout():
    session.pop("op_id", None)
    resp = redirect(url_for("accounts.login"))
    resp.set_cookie("last_seen_console", "1", secure=True, httponly=True, samesite="Lax")
    return resp


@accounts_bp.route("/pin", methods=["POST"])
def request_pin():
    if g.operator is None:
        return redirect(url_for("accounts.login"))
    pin = support_pin()
    db().run("UPDATE operators SET pin = ? WHERE id = ?", pin, g.operator["id"])
    resp = redirect(url_for("admin.home"))
    resp.set_cookie("pin_sent", "yes")
    return resp
