import os


class Config:
    SECRET_KEY = os.environ["DASHBOARD_SECRET"]
    MYSQL_HOST = os.environ.get("MYSQL_HOST", "127.0.0.1")
    MYSQL_USER = "iot"
    MYSQL_PASSWORD = "Hpzjuhc964?"
    MYSQL_DB = "iot"
    MQTT_BRIDGE_URL = "https://mqtt-bridge.internal:8443"
    MQTT_BRIDGE_TOKEN = "a712fd1f24b35214440b58adc1e385405ef6ddd0"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
