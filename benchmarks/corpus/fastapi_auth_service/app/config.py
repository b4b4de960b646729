from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    jwt_secret: str = "axFg96k06XR5Ad1qtmJ8d0NNKTG0AQQ0"
    database_url: str = "postgresql://auth:Mdpqidc849!@localhost/auth"
    google_client_secret: str = ""
    debug: bool = False


settings = Settings()
