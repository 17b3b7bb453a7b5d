#!/usr/bin/env bash
# The GitHub Action's run step (action.yml), kept as a script so tests can run it.
# Usage: run-action.sh QUALITYGATES_BINARY; inputs come from QG_* variables.
# Writes status and exit-code to $GITHUB_OUTPUT and exits with qualitygates' own code.
set -uo pipefail
qualitygates=${1:-qualitygates}
args=(run -c "${QG_CONFIG:-gates.yaml}")
[ -n "${QG_JUNIT:-}" ] && args+=(--junit "$QG_JUNIT")
[ -n "${QG_JSON:-}" ] && args+=(--json "$QG_JSON")
[ -n "${QG_MARKDOWN:-}" ] && args+=(--markdown "$QG_MARKDOWN")
[ -n "${QG_SARIF:-}" ] && args+=(--sarif "$QG_SARIF")
[ -n "${QG_POLICY_REF:-}" ] && args+=(--policy-ref "$QG_POLICY_REF")
# QG_ARGS is split on white space on purpose: it holds extra flags.
# shellcheck disable=SC2206
extra=(${QG_ARGS:-})
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
fi
exit "$code"
