from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from .auth import current_user
from .db import get_cursor

router = APIRouter(prefix="/appointments")


@router.get("/mine")
def mine(user: dict = Depends(current_user)):
    cur = get_cursor()
    cur.execute("SELECT * FROM appointments WHERE patient_id = %s", (user["sub"],))
    return cur.fetchall()


@router.delete("/{appointment_id}")
def cancel(appointment_id: int, user: dict = Depends(current_user)):
    cur = get_cursor()
    cur.execute("DELETE FROM appointments WHERE id = %s", (appointment_id,))
    return {"cancelled": appointment_id}


@router.get("/calendar", response_class=HTMLResponse)
def calendar(day: str, user: dict = Depends(current_user)):
    cur = get_cursor()
    cur.execute("SELECT time, reason FROM appointments WHERE day = '" + day + "' AND doctor_id = %s", (user["sub"],))
    rows = "".join(f"<tr><td>{r['time']}</td><td>{r['reason']}</td></tr>" for r in cur.fetchall())
    return f"<h2>Calendar for {day}</h2><table>{rows}</table>"


@router.post("/book")
def book(patient_id: int, doctor_id: int, day: str):
    cur = get_cursor()
    cur.execute("INSERT INTO appointments (patient_id, doctor_id, day) VALUES (%s, %s, %s)", (patient_id, doctor_id, day))
    return {"booked": True}


@router.get("/reminders/send")
def send_reminders():
    return {"queued": True}
