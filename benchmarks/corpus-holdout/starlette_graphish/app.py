import ast
import json

from starlette.applications import Starlette
from starlette.authentication import requires
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from auth import BearerBackend
from resolvers import PRIVATE, QUERIES


async def graph(request: Request):
    body = await request.json()
    name, args = body.get("op"), body.get("args", {})
    user = request.user.username if request.user.is_authenticated else None
    if name in PRIVATE:
        if user is None:
            return JSONResponse({"errors": ["login required"]}, status_code=401)
        return JSONResponse({"data": PRIVATE[name](args, user)})
    if name in QUERIES:
        return JSONResponse({"data": QUERIES[name](args, user)})
    return JSONResponse({"errors": [f"unknown op {name}"]}, status_code=400)


@requires("authenticated")
async def import_feed(request: Request):
    raw = await request.body()
    feed = ast.literal_eval(raw.decode())
    return JSONResponse({"episodes": len(feed.get("items", []))})


async def explorer(request: Request):
    endpoint = request.query_params.get("endpoint", "/graph")
    return HTMLResponse(f"<html><body><div id='explorer' data-endpoint='{endpoint}'></div></body></html>")


async def admin_reindex(request: Request):
    from resolvers import engine
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("DELETE FROM search_index"))
    return JSONResponse({"reindexed": True})


async def embed(request: Request):
    podcast_id = request.path_params["podcast_id"]
    theme = request.query_params.get("theme", "light")
    return HTMLResponse(f"<iframe src='/player/{podcast_id}' class='{theme}'></iframe>")


routes = [
    Route("/graph", graph, methods=["POST"]),
    Route("/import", import_feed, methods=["POST"]),
    Route("/explorer", explorer),
    Route("/admin/reindex", admin_reindex, methods=["POST"]),
    Route("/embed/{podcast_id}", embed),
]

app = Starlette(
    routes=routes,
    middleware=[
        Middleware(CORSMiddleware, allow_origin_regex=".*", allow_credentials=True, allow_methods=["*"]),
        Middleware(AuthenticationMiddleware, backend=BearerBackend()),
    ],
)
