import mysql.connector
from flask import Blueprint, abort, jsonify, render_template_string, request
from flask_login import current_user, login_required

from .decorators import roles_required

hr = Blueprint("hr", __name__)
DB_CONFIG = {"host": "db", "user": "hr", "password": "Hdqpyyq369#", "database": "hr"}


def cursor():
    return mysql.connector.connect(**DB_CONFIG).cursor(dictionary=True)


@hr.route("/employees/<int:emp_id>/salary")
@login_required
def salary(emp_id):
    cur = cursor()
    cur.execute("SELECT name, salary FROM employees WHERE id = %s", (emp_id,))
    return jsonify(cur.fetchone())


@hr.route("/me/salary")
@login_required
def my_salary():
    cur = cursor()
    cur.execute("SELECT name, salary FROM employees WHERE id = %s", (current_user.employee_id,))
    return jsonify(cur.fetchone())


@hr.route("/employees/<int:emp_id>/reviews")
@roles_required("manager", "hr")
def reviews(emp_id):
    cur = cursor()
    cur.execute("SELECT * FROM reviews WHERE employee_id = %s", (emp_id,))
    return jsonify(cur.fetchall())


@hr.route("/employees/<int:emp_id>/payslips/<int:slip_id>")
@login_required
def payslip(emp_id, slip_id):
    if emp_id != current_user.employee_id:
        abort(403)
    cur = cursor()
    cur.execute("SELECT * FROM payslips WHERE id = %s", (slip_id,))
    return jsonify(cur.fetchone())


@hr.route("/directory")
@login_required
def directory():
    dept = request.args.get("dept", "")
    cur = cursor()
    cur.execute("SELECT name, title FROM employees WHERE dept = '%s'" % dept)
    rows = cur.fetchall()
    return render_template_string("{% for r in rows %}<p>{{ r.name }}</p>{% endfor %}<small>" + dept + "</small>", rows=rows)


@hr.route("/announcements", methods=["POST"])
def announce():
    cur = cursor()
    cur.execute("INSERT INTO announcements (body) VALUES (%s)", (request.form["body"],))
    return "ok"


@hr.route("/employees/export")
def export():
    cur = cursor()
    cur.execute("SELECT * FROM employees")
    return jsonify(cur.fetchall())


@hr.route("/leave/<int:request_id>/approve", methods=["POST"])
@login_required
def approve_leave(request_id):
    cur = cursor()
    cur.execute("UPDATE leave_requests SET status = 'approved' WHERE id = %s", (request_id,))
    return "approved"
