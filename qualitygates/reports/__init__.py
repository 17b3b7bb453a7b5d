"""Reporters: one module per output format; they render a RunResult and never judge."""
