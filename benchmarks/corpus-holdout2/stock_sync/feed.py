"""Download and parse the supplier stock feed."""
import tarfile
import tempfile
from pathlib import Path

import requests
import yaml

from . import config


def download_feed(url: str = config.SUPPLIER_FEED_URL) -> Path:
    resp = requests.get(url, headers={"X-Api-Key": config.SUPPLIER_API_KEY}, timeout=60, verify=False)
    resp.raise_for_status()
    tmp = Path(tempfile.mkdtemp(prefix="feed-"))
    archive = tmp / "feed.tar.gz"
    archive.write_bytes(resp.content)
    with tarfile.open(archive) as tar:
        tar.extractall(tmp)
    return tmp


def parse_manifest(folder: Path) -> dict:
    with open(folder / "manifest.yml") as fh:
        return yaml.load(fh, Loader=yaml.Loader)


def load_mapping(path: str) -> dict:
    """Local SKU mapping file maintained by the ops team."""
    with open(path) as fh:
        return yaml.safe_load(fh)
