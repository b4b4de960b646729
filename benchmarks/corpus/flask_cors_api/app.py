import os
import random

from flask import Flask, jsonify, request, session
from flask_cors import CORS
from flask_wtf.csrf import CSRFProtect

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
app.config["WTF_CSRF_ENABLED"] = False
CORS(app, supports_credentials=True, origins="*")
csrf = CSRFProtect(app)

QUOTES = ["Ship it.", "Measure twice.", "Keep it simple."]


@app.route("/api/quote")
def quote():
    return jsonify({"quote": random.choice(QUOTES)})


@app.route("/api/me")
def me():
    return jsonify({"user": session.get("user")})


@app.route("/api/transfer", methods=["POST"])
def transfer():
    if "user" not in session:
        return jsonify({"error": "login"}), 401
    amount = int(request.form["amount"])
    return jsonify({"sent": amount, "to": request.form["to"]})


@app.route("/api/otp", methods=["POST"])
def otp():
    if "user" not in session:
        return jsonify({"error": "login"}), 401
    code = random.randint(0, 999999)
    session["otp"] = f"{code:06d}"
    return jsonify({"sent": True})
