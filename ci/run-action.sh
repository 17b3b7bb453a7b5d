#!/usr/bin/env bash
# The GitHub Action's run step (action.yml), kept as a script so tests can run it.
# Usage: run-action.sh QUALITYGATES_BINARY; inputs come from QG_* variables.
# Writes status, exit-code, gates (a JSON map of gate id to status) and gate-<id> to
# $GITHUB_OUTPUT, and exits with qualitygates' own code.
set -uo pipefail
qualitygates=${1:-qualitygates}
json=${QG_JSON:-}
if [ -z "$json" ]; then  # the per-gate outputs are read from it
  json=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/qualitygates-result.XXXXXX")
  trap 'rm -f "$json"' EXIT
fi
args=(run -c "${QG_CONFIG:-gates.yaml}" --json "$json")
[ -n "${QG_JUNIT:-}" ] && args+=(--junit "$QG_JUNIT")
[ -n "${QG_MARKDOWN:-}" ] && args+=(--markdown "$QG_MARKDOWN")
[ -n "${QG_HTML:-}" ] && args+=(--html "$QG_HTML")
[ -n "${QG_SARIF:-}" ] && args+=(--sarif "$QG_SARIF")
[ -n "${QG_POLICY_REF:-}" ] && args+=(--policy-ref "$QG_POLICY_REF")
# QG_ARGS holds one argument per line, so that a value may hold spaces (--var, then X=a b).
extra=()
while IFS= read -r line; do
  [ -n "$line" ] && extra+=("$line")
done <<< "${QG_ARGS:-}"
"$qualitygates" "${args[@]}" "${extra[@]}"
code=$?
case $code in
  0) status=passed ;;
  1) status=failed ;;
  2) status=invalid ;;
  *) status=error ;;
esac
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "status=$status"; echo "exit-code=$code"; } >> "$GITHUB_OUTPUT"
  # The result's gates (none when the policy was invalid): the Python qualitygates runs on.
  python=$(dirname "$(command -v "$qualitygates")")/python
  [ -x "$python" ] || python=python3
  "$python" - "$json" >> "$GITHUB_OUTPUT" <<'PY'
import json, re, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        gates = {g["id"]: g["status"] for g in json.load(f)["gates"]}
except (OSError, ValueError, KeyError, TypeError):
    gates = {}
print("gates=" + json.dumps(gates, separators=(",", ":")))
for gate, status in gates.items():
    if re.fullmatch(r"[A-Za-z0-9_.-]+", gate):  # an output name GitHub accepts
        print(f"gate-{gate}={status}")
PY
fi
exit "$code"
