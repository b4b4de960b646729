import hmac
import re
from functools import wraps

import requests
from flask import Flask, Response, abort, jsonify, redirect, render_template, request, url_for
from jinja2 import Template

import storage
from config import ADMIN_PASSWORD, ADMIN_USER, MAILGUN_API_KEY, MAILGUN_DOMAIN

app = Flask(__name__)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)


def editor_only(view):
    @wraps(view)
    def check(*a, **kw):
        auth = request.authorization
        if not auth or auth.username != ADMIN_USER or not hmac.compare_digest(auth.password or "", ADMIN_PASSWORD or "\x00"):
            return Response("login required", 401, {"WWW-Authenticate": "Basic"})
        return view(*a, **kw)

    return check


def is_local(target):
    return bool(re.fullmatch(r"/[A-Za-z0-9_\-/]*", target)) and not target.startswith("//")


@app.post("/subscribe")
def subscribe():
    email = request.form.get("email", "")
    if not EMAIL_RE.match(email):
        return f"<p>Invalid address: {email}</p>", 400
    storage.add_subscriber(email, request.form.get("source", "site"))
    nxt = request.form.get("next", "/")
    return redirect(nxt if is_local(nxt) else url_for("thanks"))


@app.get("/thanks")
def thanks():
    return render_template("thanks.html")


@app.get("/confirm/<token>")
def confirm(token):
    row = storage.confirm(token)
    if row is None:
        abort(404)
    return redirect(request.args.get("to", "/welcome"))


@app.get("/unsubscribe/<token>")
def unsubscribe(token):
    storage.unsubscribe(token)
    return render_template("bye.html")


@app.post("/admin/preview")
@editor_only
def preview():
    body = request.form["body"]
    return Template("<html><body>{{ body }}</body></html>").render(body=body)


@app.post("/admin/send")
@editor_only
def send():
    segment = request.form.get("segment", "true")
    recipients = storage.segment(segment)
    for addr in recipients:
        requests.post(
            f"https://api.mailgun.net/v3/{MAILGUN_DOMAIN}/messages",
            auth=("api", MAILGUN_API_KEY),
            data={"from": "news@example-news.com", "to": addr, "subject": request.form["subject"], "html": request.form["body"]},
            timeout=10,
        )
    return jsonify(sent=len(recipients))


@app.get("/admin/sources/<source>")
def by_source(source):
    return jsonify(storage.subscribers_by_source(source))


@app.get("/archive/<int:issue>")
def archive(issue):
    highlight = request.args.get("hl", "")
    return render_template("issue.html", issue=issue, highlight=highlight)


@app.get("/admin/stats")
def stats():
    since = request.args.get("since", "2024-01-01")
    return jsonify(count=len(storage.segment("created >= '" + since + "'")))


@app.get("/issues/<int:issue>/teaser")
def teaser(issue):
    ref = request.args.get("ref", "")
    return f"<p>Issue {issue} is out!</p><a href='/archive/{issue}?ref={ref}'>Read</a>"


if __name__ == "__main__":
    app.run(debug=True)
