from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    card_number = db.Column(db.String(20), unique=True)
    name = db.Column(db.String(120))
    password_digest = db.Column(db.String(64))
    is_librarian = db.Column(db.Boolean, default=False)


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    isbn = db.Column(db.String(13))
    title = db.Column(db.String(255))
    author = db.Column(db.String(255))


class Loan(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    book_id = db.Column(db.Integer, db.ForeignKey("book.id"))
    member_id = db.Column(db.Integer, db.ForeignKey("member.id"))
    due = db.Column(db.Date)
    returned = db.Column(db.Boolean, default=False)
