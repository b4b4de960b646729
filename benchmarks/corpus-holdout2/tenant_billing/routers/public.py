"""Unauthenticated endpoints: plan catalogue, token issue, Stripe webhooks."""
import os

import jwt
import stripe
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from passlib.hash import bcrypt

from ..deps import JWT_SECRET, get_conn

router = APIRouter()

PLANS = [
    {"code": "starter", "monthly": 19},
    {"code": "growth", "monthly": 79},
    {"code": "scale", "monthly": 249},
]


@router.get("/plans")
def list_plans():
    return PLANS


@router.post("/auth/token")
def issue_token(form: OAuth2PasswordRequestForm = Depends(), conn=Depends(get_conn)):
    with conn.cursor() as cur:
        cur.execute("SELECT id, tenant_id, role, password_hash FROM members WHERE email = %s", (form.username,))
        row = cur.fetchone()
    if not row or not bcrypt.verify(form.password, row[3]):
        raise HTTPException(401, "bad credentials")
    token = jwt.encode({"sub": str(row[0]), "tid": row[1], "role": row[2]}, JWT_SECRET, algorithm="HS256")
    return {"access_token": token, "token_type": "bearer"}


@router.post("/webhooks/stripe")
async def stripe_webhook(request: Request, conn=Depends(get_conn)):
    payload = await request.body()
    try:
        event = stripe.Webhook.construct_event(
            payload, request.headers.get("stripe-signature", ""), os.environ["STRIPE_WEBHOOK_SECRET"]
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        raise HTTPException(400, "bad signature")
    if event["type"] == "invoice.paid":
        with conn.cursor() as cur:
            cur.execute("UPDATE invoices SET status = 'paid' WHERE stripe_id = %s", (event["data"]["object"]["id"],))
        conn.commit()
    return {"received": True}
