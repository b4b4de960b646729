#!/usr/bin/env bash
# Builds vscode-client/bundled/libs.zip: codeward and its pinned pure-Python dependencies, the
# server the extension runs as `PYTHONPATH=<libs> python -S -m codeward.server lsp` after
# unpacking the archive once per version (see src/bundled.ts).
#
# One archive instead of ~6,000 files (jedi's typeshed stubs): vsce's packaging time grows
# with the square of the file count (1,600 files took 47 s here, 6,000 more than 5 minutes).
# Uses $PYTHON (default python3) only to run pip and zipfile; the files are version-independent.
set -euo pipefail
client="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$client/.." && pwd)"
python="${PYTHON:-python3}"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
libs="$staging/libs"

pip_install() {
    "$python" -m pip install --quiet --disable-pip-version-check --no-compile --no-deps --target "$libs" "$@" \
        2> >(grep -v "^WARNING: Location" >&2)
}
# Pure-Python wheels only (some of these also publish compiled wheels for one CPython), so the
# bundle runs on any Python 3.10+; --no-compile: no .pyc for this machine's Python in the
# archive; --no-deps: exactly the pins.
pip_install --only-binary=:all: --platform any --implementation py --python-version 3.10 --abi none \
    -r "$client/bundled-requirements.txt"
# Build the project from a copy of its tracked files: an in-tree build would reuse a stale
# build/ folder (files of deleted modules end up in the wheel) and leave egg-info behind.
mkdir -p "$staging/src"
git -C "$repo" ls-files -z --cached --others --exclude-standard -- pyproject.toml README.md checks server \
    | (cd "$repo" && xargs -0 cp --parents -t "$staging/src")
pip_install "$staging/src"
# Console scripts point at this machine's interpreter: useless inside the extension.
rm -rf "$libs/bin"
# Prove the bundle imports in isolation (-S: no site-packages, only the bundled libs).
PYTHONPATH="$libs" "$python" -S -c "import codeward.server.cli, pygls, lsprotocol, jedi, parso, pathspec, cattrs"

rm -rf "$client/bundled"
mkdir -p "$client/bundled"
(cd "$libs" && "$python" -m zipfile -c "$client/bundled/libs.zip" ./*)
echo "bundled codeward into vscode-client/bundled/libs.zip ($(du -sh "$client/bundled/libs.zip" | cut -f1), $(find "$libs" -type f | wc -l) files)" >&2
