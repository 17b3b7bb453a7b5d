#!/usr/bin/env bash
# Re-make the bundled example's reports by running the real tools on this project.
# Run from anywhere: bash examples/project/regenerate.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../reports"
cd "$here"
python -m coverage run --branch --source=shopcart -m pytest -q -p no:cacheprovider --junitxml="$out/junit.xml" tests
python -m coverage xml -o "$out/coverage.xml"
python -m coverage report
rm -f .coverage
