import shlex
import subprocess

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, render_template_string, request, url_for
from markupsafe import Markup

from .accounts import temp_password
from .database import db

admin_bp = Blueprint("admin", __name__)


@admin_bp.before_request
def require_admin():
    if g.operator is None or g.operator["role"] != "admin":
        abort(403)


@admin_bp.route("/")
def home():
    return render_template("admin/home.html")


@admin_bp.route("/operators")
def operators():
    role = request.args.get("role", "")
    rows = db().q("SELECT id, username, role FROM operators WHERE role LIKE '" + role + "%'")
    return jsonify([dict(r) for r in rows])


@admin_bp.route("/operators/<int:op_id>/reset", methods=["POST"])
def reset(op_id):
    pw = temp_password()
    db().run("UPDATE operators SET pw = ? WHERE id = ?", pw, op_id)
    return jsonify(temporary=pw)


@admin_bp.route("/services/<name>/restart", methods=["POST"])
def restart_service(name):
    subprocess.run("sudo systemctl restart " + shlex.quote(name), shell=True, check=True)
    return jsonify(restarted=name)


@admin_bp.route("/logs")
def logs():
    unit = request.args.get("unit", "nginx")
    lines = request.args.get("lines", "100")
    out = subprocess.check_output(f"journalctl -u {unit} -n {lines} --no-pager", shell=True, text=True)
    return Markup("<pre>") + out + Markup("</pre>")


@admin_bp.route("/announce", methods=["POST"])
def announce():
    msg = request.form["message"]
    flash(Markup(f"Announcement saved: {msg}"))
    return redirect(request.form.get("return_to") or url_for("admin.home"))


@admin_bp.route("/motd")
def motd():
    greeting = request.args.get("greeting", "Welcome")
    return render_template_string("<h2>{{ greeting }}</h2>", greeting=greeting)
