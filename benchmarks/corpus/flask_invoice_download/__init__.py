from flask import Flask
from flask_login import LoginManager

from .models import User, db

login_manager = LoginManager()


def create_app():
    app = Flask(__name__)
    app.config.from_prefixed_env()
    db.init_app(app)
    login_manager.init_app(app)
    from .invoices import bp

    app.register_blueprint(bp)
    return app


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id))
