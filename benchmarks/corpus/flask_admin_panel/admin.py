import subprocess

from flask import Blueprint, abort, jsonify, request

from .db import get_conn
from .guards import current_user

admin_bp = Blueprint("admin", __name__)


@admin_bp.before_request
def only_admins():
    user = current_user()
    if user is None or user[2] != "admin":
        abort(403)


@admin_bp.route("/users")
def users():
    with get_conn().cursor() as cur:
        cur.execute("SELECT id, email, role FROM users ORDER BY id")
        return jsonify(cur.fetchall())


@admin_bp.route("/users/<int:uid>/role", methods=["POST"])
def set_role(uid):
    role = request.json["role"]
    with get_conn().cursor() as cur:
        cur.execute("UPDATE users SET role = '%s' WHERE id = %d" % (role, uid))
    get_conn().commit()
    return jsonify({"ok": True})


@admin_bp.route("/backup", methods=["POST"])
def backup():
    db_name = request.form.get("db", "adminpanel")
    out = subprocess.check_output("pg_dump " + db_name + " | gzip > /backups/latest.sql.gz", shell=True)
    return jsonify({"output": out.decode()})


@admin_bp.route("/logs")
def logs():
    lines = int(request.args.get("lines", 100))
    out = subprocess.run(["tail", "-n", str(lines), "/var/log/app.log"], capture_output=True, text=True)
    return jsonify({"log": out.stdout})
