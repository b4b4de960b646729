from datetime import date

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from .database import cursor
from .security import confirmation_code, current_guest

router = APIRouter(prefix="/bookings", tags=["bookings"])


class BookingIn(BaseModel):
    room_id: int
    check_in: date
    check_out: date
    note: str = ""


@router.get("/rooms")
def available_rooms(city: str, check_in: date):
    with cursor() as cur:
        cur.execute(
            "SELECT r.* FROM rooms r WHERE r.city = %s AND r.id NOT IN "
            "(SELECT room_id FROM bookings WHERE check_in <= %s AND check_out > %s)",
            (city, check_in, check_in),
        )
        return cur.fetchall()


@router.get("/rooms/search")
def search_rooms(amenity: str, max_price: int = 500):
    with cursor() as cur:
        cur.execute("SELECT * FROM rooms WHERE price <= %s AND amenities @> ARRAY['" + amenity + "']", (max_price,))
        return cur.fetchall()


@router.post("")
def create_booking(body: BookingIn, guest_id: int = Depends(current_guest)):
    with cursor() as cur:
        cur.execute(
            "INSERT INTO bookings (guest_id, room_id, check_in, check_out, note) VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (guest_id, body.room_id, body.check_in, body.check_out, body.note),
        )
        booking_id = cur.fetchone()["id"]
    return {"id": booking_id, "code": confirmation_code(booking_id)}


@router.get("/{booking_id}")
def get_booking(booking_id: int, guest_id: int = Depends(current_guest)):
    with cursor() as cur:
        cur.execute("SELECT * FROM bookings WHERE id = %s AND guest_id = %s", (booking_id, guest_id))
        row = cur.fetchone()
    if row is None:
        raise HTTPException(404)
    return row


@router.delete("/{booking_id}")
def cancel_booking(booking_id: int, guest_id: int = Depends(current_guest)):
    with cursor() as cur:
        cur.execute("UPDATE bookings SET status = 'cancelled' WHERE id = %s", (booking_id,))
    return {"cancelled": booking_id}


@router.get("/{booking_id}/invoice", response_class=HTMLResponse)
def invoice(booking_id: int, guest_id: int = Depends(current_guest)):
    with cursor() as cur:
        cur.execute("SELECT b.*, g.full_name FROM bookings b JOIN guests g ON g.id = b.guest_id WHERE b.id = %s",
                    (booking_id,))
        row = cur.fetchone()
    return f"<h2>Invoice for {row['full_name']}</h2><p>{row['note']}</p>"


@router.get("/lookup/{code}")
def lookup_by_code(code: str):
    with cursor() as cur:
        cur.execute("SELECT * FROM bookings WHERE confirmation = %s", (code,))
        return cur.fetchone()


class NoteIn(BaseModel):
    note: str


@router.put("/{booking_id}/note")
def update_note(booking_id: int, body: NoteIn, guest_id: int = Depends(current_guest)):
    with cursor() as cur:
        cur.execute("UPDATE bookings SET note = %s WHERE id = %s", (body.note, booking_id))
    return {"ok": True}


@router.get("/reports/occupancy")
def occupancy(city: str, month: str):
    with cursor() as cur:
        cur.execute(f"SELECT room_id, COUNT(*) FROM bookings WHERE city = '{city}' AND to_char(check_in, 'YYYY-MM') = '{month}' GROUP BY room_id")
        return cur.fetchall()
