import os

from flask import Flask

from . import db


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("RECIPES_SECRET_KEY", "dev"),
        DATABASE=os.path.join(app.instance_path, "recipes.sqlite"),
        UPLOAD_FOLDER=os.path.join(app.instance_path, "photos"),
    )
    if test_config is not None:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)

    from .auth import auth_bp
    from .recipes import recipes_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(recipes_bp)
    return app
