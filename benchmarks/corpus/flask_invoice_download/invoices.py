import os
import subprocess

from flask import Blueprint, abort, current_app, jsonify, request, send_file
from flask_login import current_user, login_required
from sqlalchemy import text

from .models import Invoice, db

bp = Blueprint("invoices", __name__, url_prefix="/invoices")
INVOICE_DIR = "/srv/invoices"


@bp.route("/")
@login_required
def list_invoices():
    invoices = Invoice.query.filter_by(user_id=current_user.id).all()
    return jsonify([{"id": i.id, "number": i.number} for i in invoices])


@bp.route("/<int:invoice_id>/download")
@login_required
def download(invoice_id):
    invoice = Invoice.query.get_or_404(invoice_id)
    return send_file(os.path.join(INVOICE_DIR, invoice.filename), as_attachment=True)


@bp.route("/<int:invoice_id>/download/v2")
@login_required
def download_v2(invoice_id):
    invoice = Invoice.query.get_or_404(invoice_id)
    if invoice.user_id != current_user.id:
        abort(403)
    return send_file(os.path.join(INVOICE_DIR, invoice.filename), as_attachment=True)


@bp.route("/by-number/<number>")
@login_required
def by_number(number):
    row = db.session.execute(text(f"SELECT id, filename FROM invoice WHERE number = '{number}'")).first()
    if row is None:
        abort(404)
    return jsonify({"id": row.id})


@bp.route("/by-number/v2/<number>")
@login_required
def by_number_v2(number):
    row = db.session.execute(
        text("SELECT id, filename FROM invoice WHERE number = :n AND user_id = :u"),
        {"n": number, "u": current_user.id},
    ).first()
    if row is None:
        abort(404)
    return jsonify({"id": row.id})


@bp.route("/file")
@login_required
def raw_file():
    name = request.args["name"]
    return send_file(INVOICE_DIR + "/" + name)


@bp.route("/<int:invoice_id>/render", methods=["POST"])
@login_required
def render_pdf(invoice_id):
    invoice = Invoice.query.filter_by(id=invoice_id, user_id=current_user.id).first_or_404()
    template = request.form.get("template", "default")
    os.system(f"wkhtmltopdf /srv/templates/{template}.html {INVOICE_DIR}/{invoice.filename}")
    return jsonify({"ok": True})


@bp.route("/all")
@login_required
def all_invoices():
    if not current_user.is_accountant:
        abort(403)
    return jsonify([i.number for i in Invoice.query.all()])


@bp.route("/<int:invoice_id>", methods=["DELETE"])
@login_required
def delete(invoice_id):
    invoice = db.session.get(Invoice, invoice_id)
    db.session.delete(invoice)
    db.session.commit()
    return "", 204
