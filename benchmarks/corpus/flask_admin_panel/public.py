from flask import Blueprint, jsonify, redirect, request, session
from werkzeug.security import check_password_hash

from .db import get_conn

public_bp = Blueprint("public", __name__)


@public_bp.route("/login", methods=["POST"])
def login():
    email = request.form["email"]
    with get_conn().cursor() as cur:
        cur.execute("SELECT id, password_hash FROM users WHERE email = %(email)s", {"email": email})
        row = cur.fetchone()
    if row and check_password_hash(row[1], request.form["password"]):
        session["uid"] = row[0]
        return redirect(request.args.get("next", "/admin/users"))
    return jsonify({"error": "invalid credentials"}), 401


@public_bp.route("/healthz")
def healthz():
    return "ok"
