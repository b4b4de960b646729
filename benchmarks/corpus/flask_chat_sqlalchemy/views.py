from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import text

from .models import Message, Room, db

chat = Blueprint("chat", __name__, url_prefix="/chat")


@chat.before_request
@login_required
def require_login():
    pass


@chat.route("/rooms")
def my_rooms():
    return jsonify([{"id": r.id, "name": r.name} for r in current_user.rooms])


@chat.route("/rooms/<int:room_id>/messages")
def room_messages(room_id):
    msgs = Message.query.filter_by(room_id=room_id).all()
    return jsonify([{"id": m.id, "text": m.text} for m in msgs])


@chat.route("/rooms/<int:room_id>/messages/v2")
def room_messages_v2(room_id):
    room = Room.query.filter(Room.id == room_id, Room.members.any(id=current_user.id)).first_or_404()
    return jsonify([{"id": m.id, "text": m.text} for m in Message.query.filter_by(room_id=room.id)])


@chat.route("/messages/<int:msg_id>", methods=["PATCH"])
def edit_message(msg_id):
    msg = Message.query.get(msg_id)
    msg.text = request.json["text"]
    db.session.commit()
    return jsonify({"id": msg.id})


@chat.route("/messages/<int:msg_id>", methods=["DELETE"])
def delete_message(msg_id):
    msg = Message.query.filter_by(id=msg_id, author_id=current_user.id).first_or_404()
    db.session.delete(msg)
    db.session.commit()
    return "", 204


@chat.route("/search")
def search():
    term = request.args.get("q", "")
    room = request.args.get("room", "0")
    sql = text("SELECT id, text FROM message WHERE room_id = " + room + " AND text LIKE :t")
    rows = db.session.execute(sql, {"t": f"%{term}%"}).all()
    return jsonify([{"id": r.id, "text": r.text} for r in rows])


@chat.route("/mentions")
def mentions():
    rows = db.session.execute(
        text("SELECT id, text FROM message WHERE text LIKE '%%@%s%%'" % current_user.name)
    ).all()
    return jsonify([{"id": r.id} for r in rows])
