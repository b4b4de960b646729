import os

from flask import Flask

from .storage import bp as storage_bp

app = Flask(__name__)
app.config["UPLOAD_FOLDER"] = os.path.join(os.path.dirname(__file__), "uploads")
app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
app.secret_key = os.environ.get("FLASK_SECRET_KEY", "dev")
app.register_blueprint(storage_bp)

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000, debug=True)
