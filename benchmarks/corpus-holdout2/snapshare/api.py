"""Token-authenticated JSON API used by the mobile app."""
from functools import wraps

import boto3
from flask import Blueprint, abort, g, jsonify, request
from markupsafe import escape
from sqlalchemy import text

from .app import db
from .models import Photo, User

api_bp = Blueprint("api", __name__)

s3 = boto3.client(
    "s3",
    aws_access_key_id="AKIA3TSU3WUUSUQGPL2I",
    aws_secret_access_key="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",
    region_name="eu-west-1",
)


def api_token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = request.headers.get("Authorization", "").removeprefix("Token ").strip()
        user = User.query.filter_by(api_token=token).first() if token else None
        if user is None:
            abort(401)
        g.api_user = user
        return view(*args, **kwargs)
    return wrapper


@api_bp.route("/me/photos")
@api_token_required
def my_photos():
    photos = Photo.query.filter_by(owner_id=g.api_user.id).all()
    return jsonify([{"id": p.id, "caption": p.caption} for p in photos])


@api_bp.route("/photos/<int:photo_id>/url")
@api_token_required
def photo_url(photo_id):
    photo = Photo.query.get_or_404(photo_id)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "snapshare-media", "Key": photo.filename}, ExpiresIn=600)
    return jsonify(url=url)


@api_bp.route("/photos/search")
@api_token_required
def search_photos():
    q = request.args.get("q", "")
    sql = text(f"SELECT id, caption FROM photo WHERE owner_id = {g.api_user.id} AND caption LIKE '%{q}%'")
    rows = db.session.execute(sql).fetchall()
    return jsonify([{"id": r.id, "caption": r.caption} for r in rows])


@api_bp.route("/users/<int:user_id>")
def user_profile(user_id):
    user = User.query.get_or_404(user_id)
    return jsonify(id=user.id, username=user.username, bio=user.bio, api_token=user.api_token)


@api_bp.route("/users/<int:user_id>/card")
def user_card(user_id):
    user = User.query.get_or_404(user_id)
    return f"<div class='card'><h3>{escape(user.username)}</h3><p>{user.bio}</p></div>"


@api_bp.route("/admin/reindex", methods=["POST"])
def reindex():
    db.session.execute(text("REFRESH MATERIALIZED VIEW photo_search"))
    db.session.commit()
    return jsonify(ok=True)


@api_bp.route("/photos/<int:photo_id>/public", methods=["POST"])
@api_token_required
def publish(photo_id):
    updated = db.session.execute(
        text("UPDATE photo SET public = true WHERE id = :id AND owner_id = :owner"),
        {"id": photo_id, "owner": g.api_user.id},
    )
    db.session.commit()
    return jsonify(updated=updated.rowcount)


@api_bp.route("/photos/<int:photo_id>/comments", methods=["POST"])
@api_token_required
def comment(photo_id):
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        abort(404)
    db.session.execute(
        text("INSERT INTO comment (photo_id, user_id, body) VALUES (:p, :u, :b)"),
        {"p": photo.id, "u": g.api_user.id, "b": request.json["body"]},
    )
    db.session.commit()
    return jsonify(ok=True), 201


@api_bp.route("/users/export")
def export_users():
    return jsonify([{"id": u.id, "username": u.username, "api_token": u.api_token} for u in User.query.all()])
