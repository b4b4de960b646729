import requests

NUTRITION_API = "https://api.nutrition-facts.example.com/v2"
NUTRITION_API_KEY = "33ef39555fed805baef5e7632bf5cca96bfceda4"
PHOTO_CDN_SIGNING_KEY = "ENeznMxbTHkj4kJ4XKc+15xE5Upk8U/fhy70tes8"


def nutrition_for(ingredients):
    resp = requests.post(
        f"{NUTRITION_API}/analyze",
        json={"ingredients": ingredients},
        headers={"X-Api-Key": NUTRITION_API_KEY},
        timeout=15,
    )
    resp.raise_for_status()
    return resp.json()


def fetch_remote_recipe(url):
    return requests.get(url, timeout=10).text
