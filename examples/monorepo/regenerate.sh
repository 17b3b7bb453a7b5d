#!/usr/bin/env bash
# Regenerates each service's reports with the real tools (coverage.py and pytest), as each
# service's CI step would. The web service's second test fails on purpose.
set -u
cd "$(dirname "$0")"
for service in services/*/; do
  (
    cd "$service"
    python -m coverage run --branch -m pytest -q -p no:cacheprovider --junitxml=reports/junit.xml >/dev/null
    python -m coverage xml -q -o reports/coverage.xml
    rm -f .coverage
  )
done
