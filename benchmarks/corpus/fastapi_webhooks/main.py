import base64
import hashlib
import hmac
import json
import pickle

import stripe
import yaml
from fastapi import FastAPI, Header, HTTPException, Request

from . import settings

app = FastAPI()
stripe.api_key = settings.STRIPE_API_KEY


def verify_github(body: bytes, signature: str) -> bool:
    digest = hmac.new(settings.GITHUB_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("sha256=" + digest, signature)


@app.post("/webhooks/github")
async def github_webhook(request: Request, x_hub_signature_256: str = Header(...)):
    body = await request.body()
    if not verify_github(body, x_hub_signature_256):
        raise HTTPException(status_code=401, detail="bad signature")
    event = json.loads(body)
    return {"received": event.get("action")}


@app.post("/webhooks/stripe")
async def stripe_webhook(request: Request, stripe_signature: str = Header(...)):
    payload = await request.body()
    event = stripe.Webhook.construct_event(payload, stripe_signature, settings.STRIPE_WEBHOOK_SECRET)
    return {"type": event["type"]}


@app.post("/webhooks/jobs")
async def job_callback(request: Request):
    payload = await request.body()
    job = pickle.loads(base64.b64decode(payload))
    return {"job": str(job)}


@app.post("/webhooks/config")
async def config_push(request: Request, x_token: str = Header(...)):
    if not hmac.compare_digest(x_token, settings.GITHUB_WEBHOOK_SECRET):
        raise HTTPException(status_code=401)
    raw = await request.body()
    config = yaml.load(raw, Loader=yaml.Loader)
    return {"keys": list(config)}


@app.post("/webhooks/config/v2")
async def config_push_v2(request: Request, x_token: str = Header(...)):
    if not hmac.compare_digest(x_token, settings.GITHUB_WEBHOOK_SECRET):
        raise HTTPException(status_code=401)
    config = yaml.safe_load(await request.body())
    return {"keys": list(config)}


def legacy_signature(body: bytes) -> str:
    return hashlib.md5(body + settings.GITHUB_WEBHOOK_SECRET.encode()).hexdigest()
