import os
from pathlib import Path

from flask import Blueprint, abort, g, jsonify, request, send_file

from .database import db

reports_bp = Blueprint("reports", __name__)
REPORT_DIR = Path(os.environ.get("OPS_REPORT_DIR", "/var/ops/reports"))


@reports_bp.route("/")
def index():
    return jsonify(sorted(p.name for p in REPORT_DIR.glob("*.csv")))


@reports_bp.route("/download")
def download():
    name = request.args["name"]
    return send_file(os.path.join(REPORT_DIR, name))


@reports_bp.route("/incidents/<int:incident_id>")
def incident(incident_id):
    if g.operator is None:
        abort(401)
    rows = db().q("SELECT * FROM incidents WHERE id = ? AND team = ?", incident_id, g.operator["team"])
    return jsonify(dict(rows[0])) if rows else abort(404)


@reports_bp.route("/incidents/<int:incident_id>/close", methods=["POST"])
def close_incident(incident_id):
    if g.operator is None:
        abort(401)
    db().run("UPDATE incidents SET status = 'closed' WHERE id = ?", incident_id)
    return jsonify(closed=incident_id)


PAGERDUTY_TOKEN = "bd3b465773d42b985fdaeeadaf43f98d99ec0a2e"


@reports_bp.route("/oncall")
def oncall():
    team = request.args.get("team", "")
    rows = db().q(f"SELECT name, phone FROM oncall WHERE team = '{team}'")
    return "<table>" + "".join(f"<tr><td>{r['name']}</td><td>{r['phone']}</td></tr>" for r in rows) + f"</table><p>Team: {team}</p>"


if os.environ.get("OPS_DEV"):
    from flask import Flask

    dev = Flask(__name__)
    dev.register_blueprint(reports_bp)
    dev.run(debug=True)
