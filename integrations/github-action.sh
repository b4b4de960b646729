#!/usr/bin/env bash
# The codeward GitHub Action's step (action.yml): install codeward, scan, write SARIF for code
# scanning and annotations for the pull request, and set the step's outputs.
# Inputs arrive as INPUT_* variables; runs locally too (tests/test_integrations.py does).
set -uo pipefail

paths="${INPUT_PATHS:-.}"
sarif="${INPUT_SARIF_FILE:-codeward.sarif}"
version="${INPUT_VERSION:-}"
args="${INPUT_ARGS:-}"
fail_on_findings="${INPUT_FAIL_ON_FINDINGS:-true}"

if [[ -n "$version" ]]; then
    python -m pip install --quiet "codeward==$version" || exit 2
elif ! command -v codeward >/dev/null; then
    python -m pip install --quiet "${GITHUB_ACTION_PATH:?}" || exit 2
fi

read -r -a path_list <<<"$paths"
read -r -a extra <<<"$args"
codeward scan "${path_list[@]}" "${extra[@]}" --format sarif --output "$sarif"
status=$?
# The same findings as annotations on the pull request (served from the cache: no second analysis).
codeward scan "${path_list[@]}" "${extra[@]}" --format github --exit-zero

if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    {
        echo "sarif-file=$sarif"
        echo "exit-code=$status"
    } >>"$GITHUB_OUTPUT"
fi
if [[ $status -eq 1 && "$fail_on_findings" != "true" ]]; then
    exit 0
fi
exit "$status"
