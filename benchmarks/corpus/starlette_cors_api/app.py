import random

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.routing import Route

from .settings import ORIGINS


async def health(request):
    return JSONResponse({"ok": True})


async def jitter(request):
    delay = random.uniform(0.1, 0.5)
    return JSONResponse({"retry_after": delay})


async def api_keys(request):
    key = "%032x" % random.getrandbits(128)
    return JSONResponse({"key": key})


async def salt(request):
    value = bytes(random.getrandbits(8) for _ in range(16)).hex()
    return JSONResponse({"salt": value})


app = Starlette(
    routes=[Route("/health", health), Route("/jitter", jitter), Route("/keys", api_keys), Route("/salt", salt)],
    middleware=[
        Middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True, allow_methods=["GET"]),
    ],
)

admin = Starlette(
    routes=[Route("/health", health)],
    middleware=[Middleware(CORSMiddleware, allow_origin_regex=".*", allow_credentials=True)],
)
