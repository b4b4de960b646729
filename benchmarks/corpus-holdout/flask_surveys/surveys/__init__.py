import os

from flask import Flask
from flask_cors import CORS
from flask_wtf import CSRFProtect

from .mongo import init_mongo


def create_app():
    app = Flask(__name__)
    app.secret_key = os.environ["SURVEYS_SECRET"]
    app.config["MONGO_URI"] = "mongodb://surveys:Rcapywh314?@mongo.internal:27017/surveys"
    app.config["WTF_CSRF_ENABLED"] = False
    CSRFProtect(app)
    CORS(app, origins="*", supports_credentials=True)
    init_mongo(app)

    from .builder import builder
    from .respond import respond

    app.register_blueprint(builder, url_prefix="/builder")
    app.register_blueprint(respond, url_prefix="/s")
    return app
