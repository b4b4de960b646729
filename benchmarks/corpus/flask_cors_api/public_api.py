from flask import Blueprint, jsonify
from flask_cors import cross_origin

bp = Blueprint("public_api", __name__)


@bp.route("/api/public/status")
@cross_origin(origins=["https://status.example.com"])
def status():
    return jsonify({"ok": True})


@bp.route("/api/public/fonts")
@cross_origin()
def fonts():
    return jsonify(["Inter", "Roboto"])
