from pymongo import MongoClient

_client = None


def init_mongo(app):
    global _client
    _client = MongoClient(app.config["MONGO_URI"])


def surveys():
    return _client.surveys.surveys


def responses():
    return _client.surveys.responses
