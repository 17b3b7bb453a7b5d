"""Judging: run every check of a policy through its adapter, apply waivers, judge each
condition, combine checks into gates and gates into the run's verdict.

`run` and `RunOptions` are the whole interface; `runner` collects and judges, `judge`
holds the pure verdict rules, `waivers` applies waivers and `baseline` compares with an
earlier run.
"""

from __future__ import annotations

from qualitygates.engine.runner import RunOptions, run

__all__ = ["RunOptions", "run"]
