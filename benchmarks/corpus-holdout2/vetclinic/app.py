"""Paws & Claws veterinary clinic portal: application factory."""
import os

from flask import Flask, jsonify
from flask_login import LoginManager

from .admin import admin_bp, reports_bp
from .auth import auth_bp
from .db import close_db, get_client
from .records import records_bp

login_manager = LoginManager()
login_manager.login_view = "auth.login"


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "672992ae5ae67414e99d2d2cd29ee47aa37ecc2b41f436fa"
    app.config["VET_DB"] = os.environ.get("VET_DB", "vetclinic.db")
    app.config["TWILIO_AUTH_TOKEN"] = os.environ["TWILIO_AUTH_TOKEN"]
    app.config["SESSION_COOKIE_SECURE"] = True

    login_manager.init_app(app)
    app.teardown_appcontext(close_db)
    app.register_blueprint(auth_bp)
    app.register_blueprint(records_bp, url_prefix="/records")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(reports_bp, url_prefix="/reports")

    @app.route("/health")
    def health():
        return jsonify(status="ok")

    return app


@login_manager.user_loader
def load_user(user_id: str):
    return get_client(int(user_id))


if __name__ == "__main__":
    create_app().run(host="0.0.0.0", port=5000, debug=True)
