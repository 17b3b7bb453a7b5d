"""The worker service: retries with backoff."""


def backoff(attempt: int, base: float = 0.5, cap: float = 30.0) -> float:
    return min(cap, base * 2**attempt)
