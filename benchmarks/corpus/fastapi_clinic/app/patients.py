from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from .auth import current_user
from .db import get_cursor

router = APIRouter(prefix="/patients")


@router.get("/{patient_id}")
def get_patient(patient_id: int, user: dict = Depends(current_user)):
    cur = get_cursor()
    cur.execute("SELECT * FROM patients WHERE id = %s", (patient_id,))
    return cur.fetchone()


@router.get("/{patient_id}/prescriptions")
def prescriptions(patient_id: int, user: dict = Depends(current_user)):
    cur = get_cursor()
    cur.execute("SELECT * FROM prescriptions WHERE patient_id = %s", (patient_id,))
    return cur.fetchall()


@router.get("/{patient_id}/notes", response_class=HTMLResponse)
def notes(patient_id: int, user: dict = Depends(current_user)):
    cur = get_cursor()
    cur.execute("SELECT author, body FROM notes WHERE patient_id = %s", (patient_id,))
    return "".join(f"<article><h4>{r['author']}</h4>{r['body']}</article>" for r in cur.fetchall())


@router.get("/search/by-name")
def search(name: str, user: dict = Depends(current_user)):
    cur = get_cursor()
    cur.execute(f"SELECT id, name FROM patients WHERE doctor_id = {user['sub']} AND name ILIKE '%{name}%'")
    return cur.fetchall()


@router.put("/{patient_id}/address")
def update_address(patient_id: int, address: str, user: dict = Depends(current_user)):
    cur = get_cursor()
    cur.execute("UPDATE patients SET address = %s WHERE id = %s", (address, patient_id))
    return {"ok": True}


@router.get("/{patient_id}/export")
def export(patient_id: int):
    cur = get_cursor()
    cur.execute("SELECT * FROM patients WHERE id = %s", (patient_id,))
    return cur.fetchone()
