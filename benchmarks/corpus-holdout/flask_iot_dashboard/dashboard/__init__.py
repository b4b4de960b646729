from flask import Flask
from flask_login import LoginManager

from .config import Config

login_manager = LoginManager()


def create_app():
    app = Flask(__name__)
    app.config.from_object(Config)
    login_manager.init_app(app)
    login_manager.login_view = "devices.login"

    from .devices import devices
    from .telemetry import telemetry

    app.register_blueprint(devices)
    app.register_blueprint(telemetry, url_prefix="/telemetry")
    return app
