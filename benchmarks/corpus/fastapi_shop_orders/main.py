from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from .db import conn
from .routers import orders

app = FastAPI()
app.include_router(orders.router)


@app.get("/track", response_class=HTMLResponse)
def track(number: str):
    row = conn.execute("SELECT status FROM shipments WHERE tracking = ?", (number,)).fetchone()
    status = row[0] if row else "unknown"
    return "<p>Shipment " + number + ": " + status + "</p>"


@app.get("/continue")
def continue_shopping(request: Request, next: str = "/"):
    return RedirectResponse(next)


@app.get("/customers")
def customers():
    return [dict(zip(("id", "name", "email"), r)) for r in conn.execute("SELECT id, name, email FROM customers")]


@app.get("/customers/search")
def customer_search(q: str):
    return conn.execute("SELECT id, name FROM customers WHERE name LIKE '%" + q + "%'").fetchall()
