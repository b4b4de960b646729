import ipaddress
import socket
from urllib.parse import urlparse

import httpx
from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import Response

from .avatars import router as avatar_router

app = FastAPI()
app.include_router(avatar_router)


def is_public_host(hostname: str) -> bool:
    try:
        addr = ipaddress.ip_address(socket.gethostbyname(hostname))
    except (socket.gaierror, ValueError):
        return False
    return not (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved)


@app.get("/proxy")
async def proxy(url: str = Query(...)):
    async with httpx.AsyncClient() as client:
        upstream = await client.get(url)
    return Response(upstream.content, media_type=upstream.headers.get("content-type"))


@app.get("/proxy/checked")
async def proxy_checked(url: str = Query(...)):
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or not is_public_host(parsed.hostname):
        raise HTTPException(400, "url not allowed")
    async with httpx.AsyncClient(follow_redirects=False) as client:
        upstream = await client.get(url)
    return Response(upstream.content, media_type=upstream.headers.get("content-type"))


@app.get("/resize")
def resize(src: str, width: int = 200):
    data = httpx.get(src, timeout=10, verify=False).content
    return Response(data, media_type="image/png")
