"""SnapShare: small photo sharing site."""
import os

from flask import Flask, jsonify, redirect, request, url_for
from flask_login import LoginManager, current_user
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
login_manager = LoginManager()

# photos.original is public so that embeds on external blogs keep working
PUBLIC_ENDPOINTS = {"login", "health", "static", "photos.shared_photo", "photos.explore", "photos.original"}


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ.get("SNAPSHARE_SECRET_KEY", "dev")
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["SNAPSHARE_DB_URL"]
    db.init_app(app)
    login_manager.init_app(app)

    from .api import api_bp
    from .photos import photos_bp
    app.register_blueprint(photos_bp)
    app.register_blueprint(api_bp, url_prefix="/api")

    @app.before_request
    def require_login():
        if request.blueprint == "api":
            return None  # API clients authenticate with tokens, checked per route
        if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
            return None
        return redirect(url_for("login", next=request.path))

    @app.route("/login", methods=["GET", "POST"])
    def login():
        return "login form"

    @app.route("/health")
    def health():
        return jsonify(ok=True)

    return app
