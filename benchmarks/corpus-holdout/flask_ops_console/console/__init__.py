from flask import Flask


def create_app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "c9f1eb37b25ef3defbf111edc897981c9d92fe5ab8e3a99b"
    app.config["DATABASE"] = "ops.db"
    app.config["SESSION_COOKIE_HTTPONLY"] = False
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"

    from .accounts import accounts_bp
    from .admin import admin_bp
    from .reports import reports_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    return app
