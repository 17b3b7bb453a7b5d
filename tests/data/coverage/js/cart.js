// A small module c8 measures in tests/adapters/test_coverage_istanbul.py.
function total(items) {
  let sum = 0;
  for (const item of items) {
    sum += item.price * item.quantity;
  }
  return sum;
}

function discount(sum, code) {
  if (code === "TEN") {
    return sum * 0.9;
  }
  if (code === "HALF") {
    return sum / 2;
  }
  return sum;
}

function neverCalled() {
  return "not measured by the test";
}

module.exports = { total, discount, neverCalled };
