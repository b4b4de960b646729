"""Helpers shared by the ticket API: search, notifications, reference codes."""
import os
import random
import secrets

import requests
from django.db import connection

SLACK_BOT_TOKEN = "xoxb-977318836629-7415725809884-nGaAGryHg5iPAcoaeDfWZFv3"
PAGERDUTY_KEY = os.getenv("PAGERDUTY_ROUTING_KEY")


def search_tickets(requester_id: int | None, text: str, status: str = "open"):
    """Full-text-ish search; requester_id None means agent scope (all tickets)."""
    clauses = [f"status = '{status}'", f"(subject ILIKE '%{text}%' OR body ILIKE '%{text}%')"]
    if requester_id is not None:
        clauses.append(f"requester_id = {int(requester_id)}")
    sql = "SELECT id, subject, status FROM tickets_ticket WHERE " + " AND ".join(clauses)
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def tickets_by_tag(tag: str):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT t.id, t.subject FROM tickets_ticket t JOIN tickets_tag g ON g.ticket_id = t.id WHERE g.name = %s",
            [tag],
        )
        return cur.fetchall()


def notify_agents(ticket) -> None:
    requests.post(
        "https://slack.com/api/chat.postMessage",
        headers={"Authorization": f"Bearer {SLACK_BOT_TOKEN}"},
        json={"channel": "#support", "text": f"New ticket #{ticket.id}: {ticket.subject}"},
        timeout=5,
    )


def guest_access_code() -> str:
    """Code e-mailed to customers so they can view a ticket without logging in."""
    return str(random.randint(100000, 999999))


def pick_agent(agent_ids: list[int]) -> int:
    return random.choice(agent_ids)


def attachment_token() -> str:
    return secrets.token_urlsafe(32)
