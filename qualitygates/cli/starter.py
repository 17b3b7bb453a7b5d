"""The starter policy that `qualitygates init` writes."""

from __future__ import annotations

STARTER_POLICY = """\
# qualitygates policy: four gates, each a list of checks over your tools' reports.
# Paths are relative to this file. After editing, run `qualitygates validate`; to see an
# adapter's options and metrics, `qualitygates explain ADAPTER`.
# Exit codes: 0 pass, 1 a blocking check failed, 2 this file is invalid, 3 a check could
# not be evaluated (a report missing or unreadable: never a silent pass).
version: 1
gates:
  - id: code-quality
    name: Code quality
    checks:
      - id: coverage
        adapter: coverage                      # Cobertura, coverage.py JSON, LCOV, JaCoCo
        with: {path: reports/coverage.xml}
        conditions:
          - line_rate >= 80%
          # needs branch data (coverage run --branch); warn: reported, never blocks
          - {expr: "branch_rate >= 70%", on_fail: warn}
      - id: tests
        adapter: junit
        with: {path: "reports/junit*.xml"}      # a glob: every file is merged
        conditions: [failures == 0, errors == 0]
      - id: lint
        adapter: lint                          # ESLint JSON, ruff JSON, pylint JSON
        with: {path: reports/lint.json}
        conditions: [errors == 0]
      - id: complexity
        adapter: complexity                    # radon cc -j, lizard --xml/--csv
        with: {path: reports/complexity.json, max_complexity: 9}
        conditions: [max < 10]
      - id: duplication
        adapter: duplication                   # jscpd --reporters json
        with: {path: reports/jscpd-report.json}
        conditions: [percentage < 3%]

  - id: performance
    name: Performance
    checks:
      - id: load-test
        adapter: k6                            # --summary-export, handleSummary, NDJSON
        with: {path: reports/k6.ndjson}
        conditions:
          - "http_req_duration.p(95) < 300ms"
          - http_req_failed.rate < 0.5%
          # 150 % of peak load: CI computes PEAK_RPS and passes --var PEAK_RPS=...;
          # left unset it is a policy error (exit 2), so this gate never passes by default
          - "http_reqs.rate >= ${PEAK_RPS}"

  - id: security
    name: Security
    checks:
      - id: image
        adapter: trivy
        with: {path: reports/trivy.json}
        conditions: [vulnerabilities.critical == 0, secrets.total == 0]
        waivers:
          # - {id: CVE-2024-0001, reason: "not reachable, see SEC-12", expires: 2026-12-31}
      - id: secrets
        adapter: gitleaks
        with: {path: reports/gitleaks.json}
        conditions: [secrets.total == 0]

  - id: operational-readiness
    name: Operational readiness
    checks:
      - id: runbook
        adapter: docs
        with:
          required:
            - {path: docs/runbook.md, sections: [Rollback, Escalation, Troubleshooting]}
        conditions: [problems == 0]
      - id: alerts
        adapter: alerts
        with: {path: "ops/alerts/*.yml"}
        conditions: [invalid_rules == 0, alerts_without_runbook == 0]
      - id: sign-offs
        adapter: attestations                  # add entries with `qualitygates attest`
        with:
          path: ops/attestations.yaml
          required: {rollback-drill: 30d, restore-test: 90d}
        conditions: [problems == 0]
"""
