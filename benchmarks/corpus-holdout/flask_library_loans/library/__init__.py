from flask import Flask
from flask_jwt_extended import JWTManager

from .models import db


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "mysql+pymysql://library:Bgddwrk979%@db/library"
    app.config["JWT_SECRET_KEY"] = "2QrzXLOuO7SohnI2LqmYPHffiR1kuWoD"
    db.init_app(app)
    JWTManager(app)

    from .api import register_api

    register_api(app)
    return app
