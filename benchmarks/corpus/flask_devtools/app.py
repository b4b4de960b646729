import os
import random
import ssl
import subprocess
import urllib.request

from flask import Flask, jsonify, redirect, request, url_for

app = Flask(__name__)
app.config["DEBUG"] = True
app.config["SESSION_COOKIE_SECURE"] = False


@app.route("/ping")
def ping():
    host = request.args.get("host", "127.0.0.1")
    return subprocess.getoutput("ping -c 1 " + host)


@app.route("/fetch")
def fetch():
    url = request.args["url"]
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return urllib.request.urlopen(url, context=ctx).read()


@app.route("/login/done")
def login_done():
    return redirect(request.args.get("return_url") or url_for("ping"))


@app.route("/login/done/v2")
def login_done_v2():
    target = request.args.get("return_url", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("ping")
    return redirect(target)


@app.route("/lottery")
def lottery():
    return jsonify({"number": random.SystemRandom().randint(1, 49)})


@app.route("/nonce")
def nonce():
    return jsonify({"nonce": random.getrandbits(64)})


@app.route("/key")
def gen_key():
    random.seed(os.getpid())
    key = bytes(random.randrange(256) for _ in range(32))
    return jsonify({"key": key.hex()})


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
