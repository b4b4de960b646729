import html

from fastapi import APIRouter, Depends, FastAPI, Query
from fastapi.responses import HTMLResponse

from .deps import get_conn, require_user

app = FastAPI()
reports = APIRouter(prefix="/reports", dependencies=[Depends(require_user)])
public = APIRouter(prefix="/public")


@reports.get("/sales", response_class=HTMLResponse)
def sales(region: str = Query("all"), conn=Depends(get_conn)):
    cur = conn.cursor()
    cur.execute("SELECT month, total FROM sales WHERE region = %s", (region,))
    rows = "".join(f"<tr><td>{m}</td><td>{t}</td></tr>" for m, t in cur.fetchall())
    return f"<h1>Sales for {region}</h1><table>{rows}</table>"


@reports.get("/top", response_class=HTMLResponse)
def top(limit: str = "10", conn=Depends(get_conn)):
    cur = conn.cursor()
    cur.execute("SELECT name, total FROM customers ORDER BY total DESC LIMIT " + limit)
    return "<ol>" + "".join(f"<li>{html.escape(n)}</li>" for n, _ in cur.fetchall()) + "</ol>"


@reports.get("/by-day")
def by_day(day: str, conn=Depends(get_conn)):
    cur = conn.cursor()
    cur.execute("SELECT * FROM sales WHERE day = '{}'".format(day))
    return cur.fetchall()


@public.get("/embed", response_class=HTMLResponse)
def embed(theme: str = "light"):
    return HTMLResponse("<div class='widget " + theme + "'>Powered by Reports</div>")


@public.get("/summary")
def summary(conn=Depends(get_conn)):
    cur = conn.cursor()
    cur.execute("SELECT SUM(total) FROM sales")
    return {"revenue": cur.fetchone()[0]}


app.include_router(reports)
app.include_router(public)
