from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from . import bookings
from .security import issue_token

app = FastAPI(title="Booking API")
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://book.example-hotel.com"],
    allow_credentials=True,
    allow_methods=["GET", "POST", "DELETE"],
)
app.include_router(bookings.router)


@app.post("/token")
def token(guest_id: int, pin: str):
    from .database import cursor

    with cursor() as cur:
        cur.execute("SELECT id FROM guests WHERE id = %s AND pin = crypt(%s, pin)", (guest_id, pin))
        if cur.fetchone() is None:
            return {"error": "bad credentials"}
    return {"access_token": issue_token(guest_id)}


@app.get("/health")
def health():
    return {"ok": True}
