"""Client-facing pet records and appointments."""
import os

from flask import Blueprint, abort, jsonify, render_template_string, request, send_file
from flask_login import current_user, login_required
from markupsafe import escape

from .db import fetch_all, fetch_one, find_pets_by_name, get_db, update_pet_notes

records_bp = Blueprint("records", __name__)
XRAY_DIR = "/srv/vetclinic/xrays"


@records_bp.route("/pets")
@login_required
def my_pets():
    rows = fetch_all("SELECT id, name, species FROM pets WHERE owner_id = ?", (current_user.id,))
    return jsonify([dict(r) for r in rows])


@records_bp.route("/pets/<int:pet_id>")
@login_required
def pet_detail(pet_id: int):
    pet = fetch_one("SELECT * FROM pets WHERE id = ?", (pet_id,))
    if pet is None:
        abort(404)
    return jsonify(dict(pet))


@records_bp.route("/pets/<int:pet_id>/vaccinations")
@login_required
def vaccinations(pet_id: int):
    pet = fetch_one("SELECT id FROM pets WHERE id = ? AND owner_id = ?", (pet_id, current_user.id))
    if pet is None:
        abort(404)
    shots = fetch_all("SELECT vaccine, given_on FROM vaccinations WHERE pet_id = ?", (pet_id,))
    return jsonify([dict(s) for s in shots])


@records_bp.route("/pets/<int:pet_id>/notes", methods=["POST"])
@login_required
def edit_notes(pet_id: int):
    pet = fetch_one("SELECT owner_id FROM pets WHERE id = ?", (pet_id,))
    if pet is None or pet["owner_id"] != current_user.id:
        abort(403)
    update_pet_notes(pet_id, request.form["notes"])
    return {"saved": True}


@records_bp.route("/pets/<int:pet_id>", methods=["DELETE"])
@login_required
def remove_pet(pet_id: int):
    db = get_db()
    db.execute("DELETE FROM pets WHERE id = ?", (pet_id,))
    db.commit()
    return "", 204


@records_bp.route("/search")
@login_required
def search():
    term = request.args.get("q", "")
    pets = find_pets_by_name(current_user.id, term)
    return render_template_string(
        "<h2>Results for {{ term }}</h2><ul>{% for p in pets %}<li>{{ p['name'] }}</li>{% endfor %}</ul>",
        term=term, pets=pets,
    )


@records_bp.route("/appointments/<int:appt_id>/print")
@login_required
def print_appointment(appt_id: int):
    appt = fetch_one(
        "SELECT a.starts_at, p.name AS pet_name FROM appointments a JOIN pets p ON p.id = a.pet_id "
        "WHERE a.id = ? AND p.owner_id = ?",
        (appt_id, current_user.id),
    )
    if appt is None:
        abort(404)
    reason = request.args.get("reason", "")
    return f"<html><body><h1>Visit for {escape(appt['pet_name'])}</h1><p>Reason: {reason}</p></body></html>"


@records_bp.route("/invoices/<int:invoice_id>")
@login_required
def invoice(invoice_id: int):
    inv = fetch_one("SELECT * FROM invoices WHERE id = ?", (invoice_id,))
    return f"<h1>Invoice #{inv['id']}</h1><p>Total: {escape(inv['total'])}</p><p>{escape(inv['memo'])}</p>"


@records_bp.route("/pets/<int:pet_id>/xray")
@login_required
def xray(pet_id: int):
    pet = fetch_one("SELECT id FROM pets WHERE id = ? AND owner_id = ?", (pet_id, current_user.id))
    if pet is None:
        abort(404)
    image = request.args["image"]
    return send_file(os.path.join(XRAY_DIR, str(pet_id), image))
