from fastapi import FastAPI

from . import appointments, patients

app = FastAPI()
app.include_router(patients.router)
app.include_router(appointments.router)


@app.get("/version")
def version():
    return {"version": "1.4.2"}
