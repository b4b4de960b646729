import os
import random
import subprocess

import requests
from fastapi import Depends, FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from motor.motor_asyncio import AsyncIOMotorClient
from pydantic import BaseModel

from .auth import require_token

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
mongo = AsyncIOMotorClient(os.environ["MONGO_URL"]).integrations


class WebhookTest(BaseModel):
    url: str
    payload: dict = {}


@app.post("/webhooks/test", dependencies=[Depends(require_token)])
def test_webhook(body: WebhookTest):
    resp = requests.post(body.url, json=body.payload, timeout=5)
    return {"status": resp.status_code}


@app.get("/integrations/search", dependencies=[Depends(require_token)])
async def search(filter: str):
    return await mongo.integrations.find({"$where": f"this.name.includes('{filter}')"}).to_list(50)


@app.post("/integrations/query", dependencies=[Depends(require_token)])
async def query(criteria: dict):
    return await mongo.integrations.find(criteria).to_list(50)


@app.get("/integrations/{name}", dependencies=[Depends(require_token)])
async def by_name(name: str):
    return await mongo.integrations.find_one({"name": name})


@app.post("/tools/traceroute", dependencies=[Depends(require_token)])
def traceroute(host: str):
    out = subprocess.check_output("traceroute -m 10 " + host, shell=True, text=True)
    return {"output": out}


@app.post("/tools/git-clone", dependencies=[Depends(require_token)])
def git_clone(repo_url: str):
    subprocess.run(["git", "clone", "--depth", "1", repo_url, "/tmp/repo"], check=True)
    return {"ok": True}


@app.get("/oauth/callback")
def oauth_callback(code: str, state: str):
    token = requests.post(
        "https://oauth.example.com/token",
        data={"code": code, "client_secret": "bfe25631a594e6aa7f41de9b9b7ec090e9b8e9eb"},
        verify=False,
    ).json()
    return {"linked": bool(token)}


@app.post("/invites", dependencies=[Depends(require_token)])
def create_invite():
    return {"code": "%06d" % random.randrange(1_000_000)}


@app.get("/fetch-icon", dependencies=[Depends(require_token)])
def fetch_icon(domain: str):
    resp = requests.get(f"https://{domain}/favicon.ico", timeout=5)
    return {"size": len(resp.content)}
