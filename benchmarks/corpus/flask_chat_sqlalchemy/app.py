from flask import Flask
from flask_login import LoginManager

from .models import User, db
from .views import chat

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///chat.db"
app.config["SECRET_KEY"] = "37edbb1248866d31f2c776cb2c198490e0f24d61676d2780"
app.config["SESSION_COOKIE_SAMESITE"] = None
app.config["REMEMBER_COOKIE_SECURE"] = True
db.init_app(app)
login_manager = LoginManager(app)
app.register_blueprint(chat)


@login_manager.user_loader
def load_user(uid):
    return db.session.get(User, int(uid))
