from flask_login import UserMixin

from .app import db


class User(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(40), unique=True)
    bio = db.Column(db.Text, default="")
    api_token = db.Column(db.String(64), unique=True)


class Photo(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    filename = db.Column(db.String(255))
    caption = db.Column(db.Text, default="")
    share_token = db.Column(db.String(64), unique=True)
    public = db.Column(db.Boolean, default=False)
