from flask import Flask, abort, jsonify, redirect, request
from flask_login import LoginManager, current_user, login_required
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

app = Flask(__name__)
app.config.from_object("config")
db = SQLAlchemy(app)
login = LoginManager(app)


class Expense(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer)
    amount = db.Column(db.Numeric(10, 2))
    note = db.Column(db.String(200))
    receipt = db.Column(db.String(200))


@app.route("/expenses/<int:expense_id>")
@login_required
def get_expense(expense_id):
    e = Expense.query.get_or_404(expense_id)
    return jsonify({"amount": str(e.amount), "note": e.note})


@app.route("/expenses/<int:expense_id>", methods=["PUT"])
@login_required
def update_expense(expense_id):
    e = Expense.query.filter_by(id=expense_id).first_or_404()
    e.amount = request.json["amount"]
    db.session.commit()
    return jsonify({"ok": True})


@app.route("/expenses/<int:expense_id>/approve", methods=["POST"])
@login_required
def approve(expense_id):
    db.session.execute(text("UPDATE expense SET approved = 1 WHERE id = :i"), {"i": expense_id})
    db.session.commit()
    return jsonify({"approved": expense_id})


@app.route("/expenses/report")
@login_required
def report():
    month = request.args.get("month", "2024-01")
    rows = db.session.execute(text(f"SELECT SUM(amount) FROM expense WHERE user_id = {current_user.id} AND month = '{month}'"))
    return jsonify({"total": str(rows.scalar())})


@app.route("/expenses/category")
@login_required
def by_category():
    cat = request.args["c"]
    rows = db.session.execute(text("SELECT id, amount FROM expense WHERE category = '%s'" % cat)).all()
    return jsonify([dict(r._mapping) for r in rows])


@app.route("/expenses/<int:expense_id>/note")
@login_required
def note_html(expense_id):
    e = Expense.query.filter_by(id=expense_id, user_id=current_user.id).first_or_404()
    return "<p class='note'>" + e.note + "</p>"


@app.route("/expenses/import", methods=["POST"])
def bulk_import():
    for row in request.json:
        db.session.add(Expense(user_id=row["user_id"], amount=row["amount"], note=row["note"]))
    db.session.commit()
    return jsonify({"imported": len(request.json)})


@app.route("/expenses/all")
def all_expenses():
    return jsonify([{"user": e.user_id, "amount": str(e.amount)} for e in Expense.query.all()])


@app.route("/after-login")
def after_login():
    return redirect(request.args.get("next", "/expenses"))
