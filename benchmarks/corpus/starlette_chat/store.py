from collections import defaultdict

ROOMS = defaultdict(list)


def add_message(room, author, text):
    ROOMS[room].append({"author": author, "text": text})


def messages_for(room):
    return list(ROOMS.get(room, []))
