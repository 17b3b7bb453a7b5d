"""The JSON report: the whole result as `qualitygates/result/v2`."""

from __future__ import annotations

import json

from qualitygates.model import RunResult
from qualitygates.reports.interface import NO_CONTEXT, ReportContext, Reporter
from qualitygates.result_io import result_to_dict


class JsonReporter(Reporter):
    """Every gate, check, metric, condition and finding, for other programs."""

    name = "json"
    description = "the whole result as JSON (schema qualitygates/result/v2)"

    def render(self, result: RunResult, context: ReportContext = NO_CONTEXT) -> bytes:
        return (json.dumps(result_to_dict(result), indent=2, ensure_ascii=False) + "\n").encode(
            "utf-8"
        )
