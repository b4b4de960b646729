import os
import shutil
import subprocess

from flask import Blueprint, current_app, jsonify, request, send_file, send_from_directory, session
from werkzeug.utils import secure_filename

from .auth import require_login

bp = Blueprint("files", __name__, url_prefix="/files")

ALLOWED_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "pdf", "txt"}


def allowed_file(filename):
    return "." in filename and filename.rsplit(".", 1)[1].lower() in ALLOWED_EXTENSIONS


def user_dir():
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], str(session["user_id"]))
    os.makedirs(path, exist_ok=True)
    return path


@bp.route("/upload", methods=["POST"])
@require_login
def upload():
    file = request.files["file"]
    if file and allowed_file(file.filename):
        filename = secure_filename(file.filename)
        file.save(os.path.join(user_dir(), filename))
        return jsonify({"filename": filename}), 201
    return jsonify({"error": "file type not allowed"}), 400


@bp.route("/upload-raw", methods=["POST"])
@require_login
def upload_raw():
    file = request.files["file"]
    dest = os.path.join(user_dir(), file.filename)
    file.save(dest)
    return jsonify({"saved": dest}), 201


@bp.route("/download")
@require_login
def download():
    name = request.args.get("name")
    return send_file(os.path.join(user_dir(), name), as_attachment=True)


@bp.route("/view/<path:filename>")
@require_login
def view(filename):
    return send_from_directory(user_dir(), filename)


@bp.route("/thumbnail", methods=["POST"])
@require_login
def thumbnail():
    name = request.form["name"]
    size = request.form.get("size", "128x128")
    src = os.path.join(user_dir(), secure_filename(name))
    subprocess.run(f"convert {src} -resize {size} {src}.thumb.png", shell=True, check=True)
    return jsonify({"thumbnail": name + ".thumb.png"})


@bp.route("/compress", methods=["POST"])
@require_login
def compress():
    name = secure_filename(request.form["name"])
    src = os.path.join(user_dir(), name)
    subprocess.run(["gzip", "-k", src], check=True)
    return jsonify({"compressed": name + ".gz"})


@bp.route("/delete", methods=["POST"])
def delete():
    name = request.form["name"]
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], name)
    if os.path.isdir(path):
        shutil.rmtree(path)
    else:
        os.remove(path)
    return jsonify({"deleted": name})
