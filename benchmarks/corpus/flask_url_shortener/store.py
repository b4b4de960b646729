import redis

r = redis.Redis(host="localhost", port=6379, decode_responses=True)


def save_link(code, url):
    r.set(f"link:{code}", url)


def get_link(code):
    return r.get(f"link:{code}")
