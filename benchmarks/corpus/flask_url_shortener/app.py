import os
import random
import string
from urllib.parse import urlparse

import requests
from flask import Flask, abort, jsonify, redirect, request, url_for

from .auth import api_key_required
from .store import get_link, save_link

app = Flask(__name__)
app.secret_key = os.urandom(32)
ALLOWED_REDIRECT_HOSTS = {"example.com", "www.example.com"}


def short_code():
    return "".join(random.choices(string.ascii_letters + string.digits, k=6))


@app.route("/shorten", methods=["POST"])
@api_key_required
def shorten():
    url = request.json["url"]
    code = short_code()
    save_link(code, url)
    return jsonify({"short": url_for("follow", code=code, _external=True)})


@app.route("/<code>")
def follow(code):
    link = get_link(code)
    if link is None:
        abort(404)
    return redirect(link)


@app.route("/go")
def go():
    target = request.args.get("url", "/")
    return redirect(target)


@app.route("/go/safe")
def go_safe():
    target = request.args.get("url", "/")
    if urlparse(target).netloc not in ALLOWED_REDIRECT_HOSTS:
        target = "/"
    return redirect(target)


@app.route("/preview")
def preview():
    url = request.args["url"]
    resp = requests.get(url, timeout=5)
    title = resp.text.split("<title>")[1].split("</title>")[0] if "<title>" in resp.text else ""
    return jsonify({"title": title})


@app.route("/preview/safe")
def preview_safe():
    url = request.args["url"]
    host = urlparse(url).hostname
    if urlparse(url).scheme != "https" or host not in ALLOWED_REDIRECT_HOSTS:
        abort(400)
    resp = requests.get(url, timeout=5, allow_redirects=False)
    return jsonify({"status": resp.status_code})


@app.route("/logout")
def logout():
    return redirect(request.referrer or "/")
