import pytest
from app import with_tax


def test_with_tax() -> None:
    assert with_tax(10) == 12.0


def test_negative_prices_are_refused() -> None:
    with pytest.raises(ValueError):
        with_tax(-1)
