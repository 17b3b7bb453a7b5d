// Runs part of pricing.js under c8 (tests/adapters/test_coverage_functions.py): some
// functions run and some never do, and of its two `helper`s only the first runs.
const assert = require("node:assert");
const { Basket, tax } = require("./pricing.js");

const basket = new Basket([{ price: 2.5, quantity: 2 }, { price: 1, quantity: 0 }]);
assert.strictEqual(basket.total(), 5);
assert.strictEqual(tax.unused(), 0);
