"""The policy: load `gates.yaml` with positions, substitute variables, validate it all."""

from __future__ import annotations

from qualitygates.policy.loader import load_policy
from qualitygates.policy.model import Check, Condition, Gate, OnFail, Policy, Waiver

__all__ = ["Check", "Condition", "Gate", "OnFail", "Policy", "Waiver", "load_policy"]
