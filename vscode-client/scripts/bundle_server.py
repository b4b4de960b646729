"""Build vscode-client/bundled/libs.zip: codeward and its pinned pure-Python dependencies.

The extension unpacks this archive once (src/bundled.ts) and runs the server from it as
``PYTHONPATH=<libs> python -S -m codeward.server lsp`` when codeward is not installed for the
user's interpreter, or always in untrusted workspaces.

Why an archive and not a folder: vsce's packaging time grows with the square of the file
count (jedi alone brings ~5,600 typeshed files; 1,600 files took 47 s here, 6,000 over five
minutes). Why the wheels are merged straight into it: installing 6,000 files with
``pip install --target`` and zipping them again took 20 s of disk work on this machine.

Wheels come from a cache outside the repository ($CODEWARD_WHEEL_CACHE, default
~/.cache/codeward/bundled-wheels), downloaded once, so rebuilds need no index look-ups.
Run with the Python whose pip should be used: ``python3 scripts/bundle_server.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

CLIENT = Path(__file__).resolve().parents[1]
REPO = CLIENT.parent
REQUIREMENTS = CLIENT / "bundled-requirements.txt"
OUTPUT = CLIENT / "bundled" / "libs.zip"
WHEELS = Path(os.environ.get("CODEWARD_WHEEL_CACHE", Path.home() / ".cache" / "codeward" / "bundled-wheels"))
#: Pure-Python wheels only: several pins also publish compiled wheels for one CPython, and
#: the bundle must run on any Python 3.10+.
PURE = ["--only-binary=:all:", "--platform", "any", "--implementation", "py", "--python-version", "3.10", "--abi", "none"]
#: What the server imports at start; checked from the archive with -S (nothing else on the path).
SMOKE_IMPORTS = "import codeward.server.cli, codeward.server.lsp.server, pygls, lsprotocol.types, jedi, parso, pathspec, cattrs"


def pins() -> list[tuple[str, str]]:
    """(normalised name, version) of every line ``name==version`` in the requirements file."""
    found = []
    for line in REQUIREMENTS.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            found.append((normalise(name), version.strip()))
    return found


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def cached_wheel(name: str, version: str) -> Path | None:
    for wheel in WHEELS.glob("*.whl"):
        wheel_name, wheel_version = wheel.name.split("-")[:2]
        if normalise(wheel_name) == name and wheel_version == version:
            return wheel
    return None


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args], check=True)


def dependency_wheels() -> list[Path]:
    if any(cached_wheel(name, version) is None for name, version in pins()):
        WHEELS.mkdir(parents=True, exist_ok=True)
        pip("download", "--quiet", "--no-deps", *PURE, "-d", str(WHEELS), "-r", str(REQUIREMENTS))
        # The project's own build requirements ([build-system]), for offline rebuilds.
        pip("download", "--quiet", "-d", str(WHEELS), "setuptools>=77", "wheel")
    wheels = []
    for name, version in pins():
        wheel = cached_wheel(name, version)
        if wheel is None:
            raise SystemExit(f"bundle_server: {name}=={version} has no pure-Python wheel")
        wheels.append(wheel)
    return wheels


def project_wheel(workdir: Path) -> Path:
    """Build codeward's wheel from a copy of its tracked files.

    An in-tree build would reuse a stale build/ folder (files of deleted modules end up in
    the wheel) and leave egg-info behind in the checkout.
    """
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard",
         "--", "pyproject.toml", "README.md", "LICENSE", "launcher", "checks", "server"],
        check=True, capture_output=True,
    ).stdout.decode().split("\0")
    source = workdir / "src"
    for rel in filter(None, listed):
        if (REPO / rel).is_file():
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, source / rel)
    out = workdir / "wheel"
    try:
        pip("wheel", "--quiet", "--no-deps", "--no-index", "--find-links", str(WHEELS), "-w", str(out), str(source))
    except subprocess.CalledProcessError:  # build requirements not cached yet
        pip("download", "--quiet", "-d", str(WHEELS), "setuptools>=77", "wheel")
        pip("wheel", "--quiet", "--no-deps", "--no-index", "--find-links", str(WHEELS), "-w", str(out), str(source))
    return next(out.glob("codeward-*.whl"))


def merge(wheels: list[Path], target: Path) -> int:
    """Write every importable file of ``wheels`` into one archive, as pip would lay them out."""
    count = 0
    seen: set[str] = set()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as source:
                for info in source.infolist():
                    name = info.filename
                    head, _, rest = name.partition("/")
                    if head.endswith(".data"):
                        # purelib/platlib go to the top level; scripts and headers are not importable.
                        kind, _, rest = rest.partition("/")
                        if kind not in ("purelib", "platlib"):
                            continue
                        name = rest
                    if info.is_dir() or name in seen:
                        continue
                    seen.add(name)
                    # Folder entries: zipimport finds namespace packages (codeward/) only by them.
                    parts = name.split("/")[:-1]
                    for depth in range(1, len(parts) + 1):
                        folder = "/".join(parts[:depth]) + "/"
                        if folder not in seen:
                            seen.add(folder)
                            archive.writestr(folder, b"")
                    archive.writestr(name, source.read(info), zipfile.ZIP_DEFLATED)
                    count += 1
    return count


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        wheels = [*dependency_wheels(), project_wheel(workdir)]
        staged = workdir / "libs.zip"
        count = merge(wheels, staged)
        env = {**os.environ, "PYTHONPATH": str(staged)}
        subprocess.run([sys.executable, "-S", "-c", SMOKE_IMPORTS], check=True, env=env, cwd=tmp)
        if OUTPUT.parent.exists():
            shutil.rmtree(OUTPUT.parent)
        OUTPUT.parent.mkdir(parents=True)
        shutil.move(staged, OUTPUT)
    print(f"bundled codeward into {OUTPUT.relative_to(REPO)} ({OUTPUT.stat().st_size // 1024} KiB, {count} files)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
