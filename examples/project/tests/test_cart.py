import pytest

from shopcart.cart import Cart
from shopcart.pricing import loyalty_discount, shipping


def test_add_and_total():
    cart = Cart()
    cart.add("book", 12.5, 2)
    cart.add("pen", 1.25)
    assert cart.subtotal() == 26.25
    assert cart.total() == 26.25


def test_discount():
    cart = Cart()
    cart.add("lamp", 40.0)
    assert cart.total(0.25) == 30.0


def test_remove():
    cart = Cart()
    cart.add("book", 12.5)
    cart.remove("book")
    assert cart.subtotal() == 0


@pytest.mark.parametrize("price, quantity", [(-1, 1), (1, 0)])
def test_rejects_bad_items(price, quantity):
    with pytest.raises(ValueError):
        Cart().add("x", price, quantity)


@pytest.mark.parametrize(
    "subtotal, express, expected", [(150, False, 0.0), (150, True, 5.0), (20, False, 4.5), (20, True, 9.5)]
)
def test_shipping(subtotal, express, expected):
    assert shipping(subtotal, express) == expected


@pytest.mark.parametrize("tier, expected", [("gold", 0.1), ("silver", 0.05), ("none", 0.0)])
def test_loyalty(tier, expected):
    assert loyalty_discount(tier) == expected
