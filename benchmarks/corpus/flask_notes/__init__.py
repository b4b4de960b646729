from flask import Flask

from .db import close_db, init_db


def create_app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "5031d31c7f58d8343fb976554afc7cd40830fd948fbf2a41"
    app.config["DATABASE"] = "notes.sqlite3"

    from .auth import bp as auth_bp
    from .routes import bp as notes_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(notes_bp)
    app.teardown_appcontext(close_db)
    with app.app_context():
        init_db()
    return app
