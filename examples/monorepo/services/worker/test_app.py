from app import backoff


def test_backoff_doubles_and_stops_at_the_cap() -> None:
    assert [backoff(n) for n in range(3)] == [0.5, 1.0, 2.0]
    assert backoff(10) == 30.0
