import json
import os

from bson import ObjectId
from flask import Flask, abort, jsonify, request
from pymongo import MongoClient

from .auth import token_required

app = Flask(__name__)
client = MongoClient(os.environ.get("MONGO_URL", "mongodb://localhost:27017"))
db = client.inventory


@app.route("/items")
@token_required
def list_items():
    query = request.args.get("filter")
    criteria = json.loads(query) if query else {}
    return jsonify(list(db.items.find(criteria, {"_id": 0})))


@app.route("/items/by-sku")
@token_required
def by_sku():
    sku = request.args.get("sku", "")
    return jsonify(db.items.find_one({"sku": str(sku)}, {"_id": 0}))


@app.route("/items/search", methods=["POST"])
@token_required
def search():
    name = request.json.get("name")
    return jsonify(list(db.items.find({"name": name}, {"_id": 0})))


@app.route("/items/low-stock")
@token_required
def low_stock():
    threshold = request.args.get("threshold", "5")
    items = db.items.find({"$where": "this.qty < " + threshold})
    return jsonify([i["sku"] for i in items])


@app.route("/items/low-stock/v2")
@token_required
def low_stock_v2():
    threshold = int(request.args.get("threshold", "5"))
    items = db.items.find({"qty": {"$lt": threshold}})
    return jsonify([i["sku"] for i in items])


@app.route("/warehouses/<wid>/items")
@token_required
def warehouse_items(wid):
    pipeline = [{"$match": {"warehouse_id": ObjectId(wid)}}, {"$group": {"_id": "$sku", "qty": {"$sum": "$qty"}}}]
    return jsonify(list(db.items.aggregate(pipeline)))


@app.route("/login", methods=["POST"])
def login():
    user = db.users.find_one({"username": request.json["username"], "password": request.json["password"]})
    if not user:
        abort(401)
    return jsonify({"token": str(user["api_token"])})


@app.route("/items/<sku>", methods=["DELETE"])
def delete_item(sku):
    db.items.delete_one({"sku": sku})
    return "", 204
