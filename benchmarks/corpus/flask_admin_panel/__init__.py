import os

from flask import Flask

from .admin import admin_bp
from .public import public_bp
from .reports import reports_bp


def create_app():
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=os.environ["SECRET_KEY"],
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgresql://localhost/adminpanel"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=True,
    )
    app.register_blueprint(public_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    return app
