"""Photo pages. Login is enforced app-wide by create_app's before_request hook."""
import base64
import json
import os
import pickle
import subprocess

import requests
from flask import Blueprint, abort, current_app, jsonify, redirect, render_template_string, request, send_from_directory, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import text
from werkzeug.utils import secure_filename

from .app import db
from .models import Photo

photos_bp = Blueprint("photos", __name__)
UPLOAD_DIR = "/srv/snapshare/uploads"


@photos_bp.route("/explore")
def explore():
    tag = request.args.get("tag", "")
    rows = db.session.execute(
        text("SELECT p.id, p.caption FROM photo p JOIN photo_tag t ON t.photo_id = p.id WHERE p.public AND t.tag = :tag"),
        {"tag": tag},
    ).fetchall()
    return jsonify([{"id": r.id, "caption": r.caption} for r in rows])


@photos_bp.route("/s/<token>")
def shared_photo(token):
    photo = Photo.query.filter_by(share_token=token).first_or_404()
    caption = Markup("<figcaption>{}</figcaption>").format(photo.caption)
    return f"<img src='/media/{photo.id}'>{caption}"


@photos_bp.route("/photos/<int:photo_id>/original")
def original(photo_id):
    photo = Photo.query.get_or_404(photo_id)
    return send_from_directory(UPLOAD_DIR, photo.filename)


@photos_bp.route("/photos/upload", methods=["POST"])
def upload():
    f = request.files["photo"]
    dest = os.path.join(UPLOAD_DIR, f.filename)
    f.save(dest)
    thumb = dest + ".thumb.jpg"
    subprocess.run(f"convert '{dest}' -resize 320x320 '{thumb}'", shell=True, check=True)
    photo = Photo(owner_id=current_user.id, filename=os.path.basename(dest))
    db.session.add(photo)
    db.session.commit()
    return jsonify(id=photo.id)


@photos_bp.route("/photos/upload-avatar", methods=["POST"])
def upload_avatar():
    f = request.files["avatar"]
    name = secure_filename(f.filename)
    path = os.path.join(UPLOAD_DIR, "avatars", name)
    f.save(path)
    subprocess.run(["convert", path, "-resize", "96x96", path], check=True)
    return jsonify(ok=True)


@photos_bp.route("/photos/import", methods=["POST"])
def import_from_url():
    resp = requests.get(request.form["url"], timeout=10)
    name = secure_filename(request.form.get("name", "imported.jpg"))
    with open(os.path.join(UPLOAD_DIR, name), "wb") as fh:
        fh.write(resp.content)
    return jsonify(saved=name)


@photos_bp.route("/photos/<int:photo_id>")
def photo_page(photo_id):
    photo = Photo.query.filter_by(id=photo_id, owner_id=current_user.id).first_or_404()
    return render_template_string(
        "<h1>{{ photo.filename }}</h1><p>{{ photo.caption|safe }}</p>", photo=photo
    )


@photos_bp.route("/photos/<int:photo_id>/caption", methods=["POST"])
def edit_caption(photo_id):
    photo = db.session.get(Photo, photo_id)
    photo.caption = request.form["caption"]
    db.session.commit()
    return redirect(url_for("photos.photo_page", photo_id=photo_id))


@photos_bp.route("/photos/<int:photo_id>/delete", methods=["POST"])
def delete_photo(photo_id):
    photo = Photo.query.get_or_404(photo_id)
    if photo.owner_id != current_user.id:
        abort(403)
    db.session.delete(photo)
    db.session.commit()
    return redirect(url_for("photos.explore"))


@photos_bp.route("/photos/<int:photo_id>/banner")
def banner(photo_id):
    photo = Photo.query.filter_by(id=photo_id, owner_id=current_user.id).first_or_404()
    return str(Markup(f"<div class='banner'>{photo.caption}</div>"))


@photos_bp.route("/prefs/restore", methods=["POST"])
def restore_prefs():
    blob = request.cookies.get("snap_prefs", "")
    prefs = pickle.loads(base64.b64decode(blob))
    return jsonify(prefs)


@photos_bp.route("/prefs/restore-json", methods=["POST"])
def restore_prefs_json():
    prefs = json.loads(base64.b64decode(request.cookies.get("snap_prefs_v2", "e30=")))
    return jsonify(prefs)


@photos_bp.route("/photos/<int:photo_id>/purge-cdn", methods=["POST"])
def purge_cdn(photo_id):
    photo = Photo.query.filter_by(id=photo_id, owner_id=current_user.id).first_or_404()
    requests.post(
        current_app.config.get("CDN_PURGE_URL", "https://cdn.internal/purge"),
        json={"path": f"/media/{photo.id}"},
        verify=False, timeout=5,
    )
    return jsonify(purged=photo.id)
