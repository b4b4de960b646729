from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

memberships = db.Table(
    "memberships",
    db.Column("user_id", db.Integer, db.ForeignKey("user.id")),
    db.Column("room_id", db.Integer, db.ForeignKey("room.id")),
)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Room(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    members = db.relationship("User", secondary=memberships, backref="rooms")


class Message(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    room_id = db.Column(db.Integer, db.ForeignKey("room.id"))
    author_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    text = db.Column(db.Text)
