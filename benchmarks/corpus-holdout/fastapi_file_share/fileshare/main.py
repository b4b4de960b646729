from fastapi import FastAPI

from .routes import router

app = FastAPI(title="fileshare")
app.include_router(router)
