"""The api service: prices with tax."""


def with_tax(amount: float, rate: float = 0.2) -> float:
    if amount < 0:
        raise ValueError("a price is never negative")
    return round(amount * (1 + rate), 2)
