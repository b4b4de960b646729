from flask import Blueprint, jsonify, request
from werkzeug.security import generate_password_hash

from .app import db
from .models import ResetToken, User
from .tokens import make_reset_token

bp = Blueprint("reset", __name__)


@bp.route("/password/forgot", methods=["POST"])
def forgot():
    user = User.query.filter_by(email=request.json["email"]).first()
    if user:
        db.session.add(ResetToken(user_id=user.id, token=make_reset_token()))
        db.session.commit()
    return jsonify({"sent": True})


@bp.route("/password/reset", methods=["POST"])
def reset():
    row = ResetToken.query.filter_by(token=request.json["token"]).first_or_404()
    user = User.query.get(row.user_id)
    user.password_hash = generate_password_hash(request.json["password"])
    db.session.delete(row)
    db.session.commit()
    return jsonify({"reset": True})


@bp.route("/password/reset-by-email", methods=["POST"])
def reset_by_email():
    user = User.query.filter_by(email=request.json["email"]).first_or_404()
    user.password_hash = generate_password_hash(request.json["password"])
    db.session.commit()
    return jsonify({"reset": True})


@bp.route("/password/tokens")
def list_tokens():
    return jsonify([{"user": t.user_id, "token": t.token} for t in ResetToken.query.all()])
