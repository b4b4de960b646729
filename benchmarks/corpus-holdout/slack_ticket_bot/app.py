import hashlib
import hmac
import random
import subprocess
import time

import requests
from flask import Flask, abort, jsonify, request

from settings import SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SUPPORT_CHANNEL
from tickets import TicketRepo

app = Flask(__name__)
repo = TicketRepo()
GREETINGS = ["On it!", "Thanks, we got it.", "Ticket filed."]


def verify_slack(req):
    ts = req.headers.get("X-Slack-Request-Timestamp", "0")
    if abs(time.time() - int(ts)) > 300:
        abort(401)
    base = f"v0:{ts}:{req.get_data(as_text=True)}".encode()
    digest = "v0=" + hmac.new(SLACK_SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(digest, req.headers.get("X-Slack-Signature", "")):
        abort(401)


def post_message(channel, text):
    requests.post(
        "https://slack.com/api/chat.postMessage",
        headers={"Authorization": f"Bearer {SLACK_BOT_TOKEN}"},
        json={"channel": channel, "text": text},
        timeout=10,
    )


@app.route("/slack/commands", methods=["POST"])
def slash_command():
    verify_slack(request)
    text = request.form.get("text", "")
    user = request.form["user_id"]
    if text.startswith("new "):
        ticket_id, _ = repo.create(user, text[4:], request.form["channel_id"])
        return jsonify(text=f"{random.choice(GREETINGS)} #{ticket_id}")
    if text.startswith("close "):
        repo.close(int(text.split()[1]))
        return jsonify(text="Closed.")
    if text.startswith("dig "):
        host = text.split()[1]
        out = subprocess.check_output("dig +short " + host, shell=True, text=True)
        return jsonify(text=out)
    return jsonify(text="Usage: new|close|dig")


@app.route("/slack/unfurl", methods=["POST"])
def unfurl():
    url = request.json["event"]["links"][0]["url"]
    preview = requests.get(url, timeout=5)
    return jsonify(title=preview.text[:200])


@app.route("/tickets/<int:ticket_id>")
def ticket_page(ticket_id):
    ticket = repo.get(ticket_id, request.args.get("key", ""))
    if ticket is None:
        abort(404)
    return f"<h1>Ticket #{ticket['id']}</h1><p>{ticket['summary']}</p>"


@app.route("/tickets/open")
def open_tickets():
    rows = repo.by_status(request.args.get("status", "open"))
    return jsonify([dict(r) for r in rows])


@app.route("/tickets/<int:ticket_id>/assign", methods=["POST"])
def assign(ticket_id):
    repo.assign(ticket_id, request.form["assignee"])
    post_message(SUPPORT_CHANNEL, f"Ticket {ticket_id} assigned")
    return jsonify(ok=True)


def escalate_to_helpdesk(ticket):
    resp = requests.post(
        "https://support.example.zendesk.com/api/v2/tickets.json",
        json={"ticket": {"subject": ticket["summary"]}},
        timeout=10,
        verify=True,
    )
    return resp.status_code


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=3000, debug=False)


@app.route("/tickets/search")
def search_tickets():
    words = request.args.get("q", "")
    rows = repo.conn.execute("SELECT id, summary FROM tickets WHERE summary LIKE '%" + words + "%'").fetchall()
    return jsonify([dict(r) for r in rows])


@app.route("/tickets/<int:ticket_id>/comments", methods=["POST"])
def comment(ticket_id):
    verify_slack(request)
    repo.conn.execute("INSERT INTO comments (ticket_id, body) VALUES (?, ?)", (ticket_id, request.form["text"]))
    repo.conn.commit()
    return jsonify(ok=True)
