"""The attestations adapter and the record it reads: see `adapter` and `record`."""

from __future__ import annotations

from qualitygates.adapters.attestations.adapter import AttestationsAdapter
from qualitygates.adapters.attestations.record import append_attestation, read_record

__all__ = ["AttestationsAdapter", "append_attestation", "read_record"]
