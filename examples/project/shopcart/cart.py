"""A cart of priced items with discounts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Item:
    name: str
    price: float
    quantity: int = 1


@dataclass
class Cart:
    items: list[Item] = field(default_factory=list)

    def add(self, name: str, price: float, quantity: int = 1) -> None:
        if price < 0:
            raise ValueError("price must not be negative")
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        self.items.append(Item(name, price, quantity))

    def remove(self, name: str) -> None:
        self.items = [item for item in self.items if item.name != name]

    def subtotal(self) -> float:
        return sum(item.price * item.quantity for item in self.items)

    def total(self, discount: float = 0.0) -> float:
        if not 0 <= discount <= 1:
            raise ValueError("discount is a fraction between 0 and 1")
        return round(self.subtotal() * (1 - discount), 2)
