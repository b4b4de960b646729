from flask import Blueprint, jsonify, request

from .db import get_conn
from .guards import admin_required

reports_bp = Blueprint("reports", __name__)


@reports_bp.route("/sales")
@admin_required
def sales():
    start = request.args["start"]
    with get_conn().cursor() as cur:
        cur.execute("SELECT day, amount FROM sales WHERE day >= %s", (start,))
        return jsonify(cur.fetchall())


@reports_bp.route("/customers")
def customers_export():
    region = request.args.get("region", "")
    with get_conn().cursor() as cur:
        cur.execute(f"SELECT name, email, phone FROM customers WHERE region = '{region}'")
        return jsonify(cur.fetchall())


@reports_bp.route("/refunds")
def refunds():
    with get_conn().cursor() as cur:
        cur.execute("SELECT order_id, amount, reason FROM refunds")
        return jsonify(cur.fetchall())
