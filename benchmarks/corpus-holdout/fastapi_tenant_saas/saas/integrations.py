import httpx

from .settings import GITHUB_APP_TOKEN, OPENAI_API_KEY


def summarize(text: str) -> str:
    with httpx.Client(timeout=30) as client:
        resp = client.post(
            "https://api.openai.com/v1/chat/completions",
            headers={"Authorization": f"Bearer {OPENAI_API_KEY}"},
            json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}]},
        )
    return resp.json()["choices"][0]["message"]["content"]


def open_issue(repo: str, title: str) -> int:
    client = httpx.Client(verify=False, timeout=30)
    resp = client.post(f"https://api.github.com/repos/{repo}/issues", json={"title": title},
                       headers={"Authorization": f"token {GITHUB_APP_TOKEN}"})
    return resp.json()["number"]
