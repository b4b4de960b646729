import subprocess

import requests
from flask import Blueprint, abort, current_app, jsonify, render_template, render_template_string, request
from flask_login import current_user, login_required

from .store import fetch_all, fetch_one, rename_device

devices = Blueprint("devices", __name__)


@devices.route("/devices")
@login_required
def device_list():
    rows = fetch_all("SELECT * FROM devices WHERE owner_id = %s", (current_user.id,))
    return render_template("devices.html", devices=rows)


@devices.route("/devices/<int:device_id>")
@login_required
def device_detail(device_id):
    device = fetch_one("SELECT * FROM devices WHERE id = %s", (device_id,))
    if device is None:
        abort(404)
    return render_template("device.html", device=device)


@devices.route("/devices/<int:device_id>/rename", methods=["POST"])
@login_required
def rename(device_id):
    device = fetch_one("SELECT id FROM devices WHERE id = %s AND owner_id = %s", (device_id, current_user.id))
    if device is None:
        abort(404)
    rename_device(device_id, request.form["name"])
    return jsonify(ok=True)


@devices.route("/devices/<int:device_id>/ping", methods=["POST"])
@login_required
def ping(device_id):
    device = fetch_one("SELECT ip FROM devices WHERE id = %s AND owner_id = %s", (device_id, current_user.id))
    count = request.form.get("count", "3")
    out = subprocess.run(f"ping -c {count} {device['ip']}", shell=True, capture_output=True, text=True)
    return jsonify(output=out.stdout)


@devices.route("/devices/<int:device_id>/reboot", methods=["POST"])
@login_required
def reboot(device_id):
    device = fetch_one("SELECT ip FROM devices WHERE id = %s AND owner_id = %s", (device_id, current_user.id))
    if device is None:
        abort(404)
    subprocess.run(["ssh", "-o", "BatchMode=yes", f"pi@{device['ip']}", "sudo", "reboot"], check=False)
    return jsonify(rebooting=True)


@devices.route("/devices/<int:device_id>/firmware", methods=["POST"])
@login_required
def push_firmware(device_id):
    device = fetch_one("SELECT * FROM devices WHERE id = %s AND owner_id = %s", (device_id, current_user.id))
    firmware_url = request.json["firmware_url"]
    blob = requests.get(firmware_url, timeout=30).content
    requests.post(
        f"{current_app.config['MQTT_BRIDGE_URL']}/devices/{device['serial']}/firmware",
        data=blob,
        headers={"Authorization": f"Bearer {current_app.config['MQTT_BRIDGE_TOKEN']}"},
        verify=False,
    )
    return jsonify(queued=True)


@devices.route("/devices/<int:device_id>/label")
@login_required
def label(device_id):
    device = fetch_one("SELECT name, serial FROM devices WHERE id = %s AND owner_id = %s", (device_id, current_user.id))
    template = request.args.get("tpl", "<b>{{ name }}</b> ({{ serial }})")
    return render_template_string(template, **device)


@devices.route("/devices/search")
@login_required
def search():
    q = request.args.get("q", "")
    rows = fetch_all("SELECT id, name FROM devices WHERE owner_id = " + str(current_user.id) + " AND name LIKE '%" + q + "%'")
    return jsonify(rows)


@devices.route("/devices/<int:device_id>/notes")
@login_required
def notes(device_id):
    device = fetch_one("SELECT name, notes FROM devices WHERE id = %s", (device_id,))
    return f"<h2>{device['name']}</h2><div>{device['notes']}</div>"


@devices.route("/devices/<int:device_id>/share", methods=["POST"])
@login_required
def share(device_id):
    fetch_all("INSERT INTO device_shares (device_id, user_email) VALUES (%s, %s)", (device_id, request.form["email"]))
    return jsonify(shared=True)


@devices.route("/devices/<int:device_id>/firmware/latest", methods=["POST"])
@login_required
def latest_firmware(device_id):
    device = fetch_one("SELECT model FROM devices WHERE id = %s AND owner_id = %s", (device_id, current_user.id))
    if device is None:
        abort(404)
    blob = requests.get(f"https://updates.example-iot.com/firmware/{device['model']}.bin", timeout=30)
    return jsonify(size=len(blob.content))
