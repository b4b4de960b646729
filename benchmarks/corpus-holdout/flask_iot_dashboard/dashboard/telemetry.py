import hmac
import json
import os

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from markupsafe import escape

from .store import fetch_all, fetch_one

telemetry = Blueprint("telemetry", __name__)
INGEST_KEY = os.environ.get("INGEST_KEY", "")


@telemetry.route("/ingest", methods=["POST"])
def ingest():
    sig = request.headers.get("X-Signature", "")
    expected = hmac.new(INGEST_KEY.encode(), request.data, "sha256").hexdigest()
    if not hmac.compare_digest(sig, expected):
        abort(401)
    payload = json.loads(request.data)
    return jsonify(received=len(payload.get("readings", [])))


@telemetry.route("/<int:device_id>/readings")
def readings(device_id):
    metric = request.args.get("metric", "temperature")
    rows = fetch_all("SELECT ts, value FROM readings WHERE device_id = %s AND metric = %s", (device_id, metric))
    return jsonify(rows)


@telemetry.route("/<int:device_id>/chart")
@login_required
def chart(device_id):
    device = fetch_one("SELECT name FROM devices WHERE id = %s AND owner_id = %s", (device_id, current_user.id))
    if device is None:
        abort(404)
    unit = request.args.get("unit", "C")
    return f"<h3>{escape(device['name'])}</h3><div id='chart' data-unit='{escape(unit)}'></div>"


@telemetry.route("/profiles/import", methods=["POST"])
@login_required
def import_profile():
    import pickle

    profile = pickle.loads(request.files["profile"].read())
    return jsonify(keys=sorted(profile))


@telemetry.route("/devices.json")
def devices_json():
    return jsonify(fetch_all("SELECT id, name, ip FROM devices"))


@telemetry.route("/config/import", methods=["POST"])
@login_required
def import_config():
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=True, load_dtd=True)
    tree = etree.fromstring(request.data, parser)
    return jsonify(settings=len(tree))


def pairing_key():
    import random

    return "%016x" % random.getrandbits(64)
