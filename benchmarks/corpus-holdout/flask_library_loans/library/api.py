import hashlib
from datetime import date, timedelta

from flask import abort, jsonify, request
from flask.views import MethodView
from flask_jwt_extended import create_access_token, get_jwt_identity, jwt_required
from sqlalchemy import text

from .models import Book, Loan, Member, db


def digest_password(raw):
    return hashlib.md5(raw.encode()).hexdigest()


class TokenAPI(MethodView):
    def post(self):
        member = Member.query.filter_by(card_number=request.json["card"]).first()
        if member is None or member.password_digest != digest_password(request.json["password"]):
            abort(401)
        return jsonify(token=create_access_token(identity=str(member.id)))


class BookAPI(MethodView):
    def get(self):
        author = request.args.get("author", "")
        rows = db.session.execute(text(f"SELECT id, title FROM book WHERE author LIKE '%{author}%'")).all()
        return jsonify([{"id": r.id, "title": r.title} for r in rows])


class LoanAPI(MethodView):
    decorators = [jwt_required()]

    def get(self, loan_id=None):
        member_id = int(get_jwt_identity())
        if loan_id is None:
            loans = Loan.query.filter_by(member_id=member_id).all()
            return jsonify([{"id": l.id, "due": l.due.isoformat()} for l in loans])
        loan = Loan.query.get_or_404(loan_id)
        return jsonify(id=loan.id, book=loan.book_id, member=loan.member_id)

    def post(self):
        member_id = int(get_jwt_identity())
        loan = Loan(book_id=request.json["book_id"], member_id=member_id, due=date.today() + timedelta(days=21))
        db.session.add(loan)
        db.session.commit()
        return jsonify(id=loan.id), 201

    def put(self, loan_id):
        member_id = int(get_jwt_identity())
        loan = Loan.query.filter_by(id=loan_id, member_id=member_id).first_or_404()
        loan.due = loan.due + timedelta(days=14)
        db.session.commit()
        return jsonify(due=loan.due.isoformat())

    def delete(self, loan_id):
        db.session.execute(text("UPDATE loan SET returned = 1 WHERE id = :id"), {"id": loan_id})
        db.session.commit()
        return "", 204


class OverdueAPI(MethodView):
    def get(self):
        days = request.args.get("days", "0")
        sql = "SELECT m.name, b.title, l.due FROM loan l JOIN member m ON m.id = l.member_id JOIN book b ON b.id = l.book_id WHERE l.returned = 0 AND l.due < DATE_SUB(CURDATE(), INTERVAL " + days + " DAY)"
        rows = db.session.execute(text(sql)).all()
        return jsonify([list(r) for r in rows])


class MemberAPI(MethodView):
    decorators = [jwt_required()]

    def get(self, member_id):
        me = Member.query.get(int(get_jwt_identity()))
        if not me.is_librarian and me.id != member_id:
            abort(403)
        member = Member.query.get_or_404(member_id)
        return jsonify(id=member.id, name=member.name)

    def patch(self, member_id):
        member = Member.query.get_or_404(member_id)
        member.name = request.json.get("name", member.name)
        if "password" in request.json:
            member.password_digest = digest_password(request.json["password"])
        db.session.commit()
        return jsonify(ok=True)


class HoldAPI(MethodView):
    decorators = [jwt_required()]

    def get(self):
        rows = db.session.execute(text("SELECT id, book_id FROM hold WHERE member_id = :m"), {"m": int(get_jwt_identity())}).all()
        return jsonify([list(r) for r in rows])

    def delete(self, hold_id):
        db.session.execute(text("DELETE FROM hold WHERE id = :id"), {"id": hold_id})
        db.session.commit()
        return "", 204


class CirculationReportAPI(MethodView):
    def get(self):
        branch = request.args.get("branch", "main")
        rows = db.session.execute(text(f"SELECT m.name, COUNT(*) FROM loan l JOIN member m ON m.id = l.member_id WHERE m.branch = '{branch}' GROUP BY m.name")).all()
        return jsonify([list(r) for r in rows])


def register_api(app):
    app.add_url_rule("/token", view_func=TokenAPI.as_view("token"))
    app.add_url_rule("/books", view_func=BookAPI.as_view("books"))
    loans = LoanAPI.as_view("loans")
    app.add_url_rule("/loans", view_func=loans, methods=["GET", "POST"])
    app.add_url_rule("/loans/<int:loan_id>", view_func=loans, methods=["GET", "PUT", "DELETE"])
    app.add_url_rule("/overdue", view_func=OverdueAPI.as_view("overdue"))
    app.add_url_rule("/members/<int:member_id>", view_func=MemberAPI.as_view("member"))
    holds = HoldAPI.as_view("holds")
    app.add_url_rule("/holds", view_func=holds, methods=["GET"])
    app.add_url_rule("/holds/<int:hold_id>", view_func=holds, methods=["DELETE"])
    app.add_url_rule("/reports/circulation", view_func=CirculationReportAPI.as_view("circulation"))
