import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://app:Whpdqxf955*@db.internal:5432/accounts"
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY")
    app.config["MAIL_PASSWORD"] = os.environ.get("MAIL_PASSWORD")
    db.init_app(app)
    from .views import bp

    app.register_blueprint(bp)
    return app
