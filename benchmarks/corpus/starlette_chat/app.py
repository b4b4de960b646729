import html

from starlette.applications import Starlette
from starlette.authentication import requires
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route, WebSocketRoute

from .backend import SessionAuthBackend
from .store import ROOMS, add_message, messages_for

SESSION_SECRET = "c9268d3f7b78dbcd4e3b324a8fefdc7a26e117b6"


async def homepage(request):
    return HTMLResponse("<h1>Chat</h1><p>Sign in to join a room.</p>")


@requires("authenticated")
async def room(request):
    name = request.path_params["name"]
    items = "".join(f"<li>{html.escape(m['author'])}: {html.escape(m['text'])}</li>" for m in messages_for(name))
    return HTMLResponse(f"<h2>{html.escape(name)}</h2><ul>{items}</ul>")


@requires("authenticated")
async def search(request):
    q = request.query_params.get("q", "")
    hits = [m for room_msgs in ROOMS.values() for m in room_msgs if q in m["text"]]
    return HTMLResponse(f"<p>{len(hits)} results for <b>{q}</b></p>")


@requires("authenticated")
async def post_message(request):
    form = await request.form()
    add_message(request.path_params["name"], request.user.display_name, form["text"])
    return JSONResponse({"ok": True})


async def export_room(request):
    name = request.path_params["name"]
    return JSONResponse(messages_for(name))


async def preview(request):
    text = request.query_params.get("text", "")
    return HTMLResponse("<div class='preview'>" + text + "</div>")


async def chat_ws(websocket):
    await websocket.accept()
    async for message in websocket.iter_text():
        await websocket.send_text(message)


routes = [
    Route("/", homepage),
    Route("/rooms/{name}", room),
    Route("/rooms/{name}/messages", post_message, methods=["POST"]),
    Route("/rooms/{name}/export", export_room),
    Route("/search", search),
    Route("/preview", preview),
    WebSocketRoute("/ws", chat_ws),
]

app = Starlette(
    routes=routes,
    middleware=[
        Middleware(SessionMiddleware, secret_key=SESSION_SECRET, https_only=False),
        Middleware(AuthenticationMiddleware, backend=SessionAuthBackend()),
    ],
)
