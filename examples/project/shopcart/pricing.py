"""Shipping and loyalty pricing rules."""

from __future__ import annotations


def shipping(subtotal: float, express: bool = False) -> float:
    if subtotal >= 100:
        return 0.0 if not express else 5.0
    return 4.5 if not express else 9.5


def loyalty_discount(tier: str) -> float:
    if tier == "gold":
        return 0.1
    if tier == "silver":
        return 0.05
    return 0.0
