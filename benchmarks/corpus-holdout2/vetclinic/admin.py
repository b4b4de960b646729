"""Staff back office and reports."""
import csv
import io

from flask import Blueprint, Response, abort, jsonify, request
from flask_login import current_user

from .auth import staff_only
from .db import appointments_between, fetch_all, get_db, species_breakdown

admin_bp = Blueprint("admin", __name__)
reports_bp = Blueprint("reports", __name__)


@admin_bp.before_request
def require_staff():
    if not current_user.is_authenticated or not current_user.is_staff:
        abort(403)


@admin_bp.route("/clients")
def list_clients():
    return jsonify([dict(r) for r in fetch_all("SELECT id, name, email FROM clients")])


@admin_bp.route("/schedule")
def schedule():
    return jsonify([dict(r) for r in appointments_between(request.args["from"], request.args["to"])])


@reports_bp.route("/species")
@staff_only
def species_report():
    rows = species_breakdown(request.args.get("sort", "total DESC"))
    return jsonify([dict(r) for r in rows])


@reports_bp.route("/clients.csv")
def export_clients():
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in fetch_all("SELECT name, email, phone, address FROM clients"):
        writer.writerow(list(row))
    return Response(buf.getvalue(), mimetype="text/csv")


@reports_bp.route("/revenue")
def revenue():
    month = request.args.get("month", "")
    rows = fetch_all("SELECT SUM(total) AS total FROM invoices WHERE strftime('%Y-%m', issued_on) = ?", (month,))
    return jsonify(dict(rows[0]))


@reports_bp.route("/appointments")
def appointment_report():
    vet = request.args.get("vet", "")
    rows = get_db().execute(
        "SELECT a.starts_at, c.name, p.name FROM appointments a JOIN pets p ON p.id = a.pet_id "
        "JOIN clients c ON c.id = p.owner_id WHERE a.vet = '" + vet + "' ORDER BY a.starts_at"
    ).fetchall()
    return jsonify([list(r) for r in rows])


@reports_bp.route("/no-shows")
@staff_only
def no_shows():
    since = request.args.get("since", "2024-01-01")
    rows = fetch_all(f"SELECT pet_id, COUNT(*) AS missed FROM appointments WHERE status = 'no_show' AND starts_at >= '{since}' GROUP BY pet_id")
    return jsonify([dict(r) for r in rows])
