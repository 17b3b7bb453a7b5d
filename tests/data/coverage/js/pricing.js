// A module with the function shapes c8 counts (tests/adapters/test_coverage_functions.py):
// arrows, methods, two functions with one name, and functions that never run.
const round = (value) => Math.round(value * 100) / 100;

function helper(items) {
  return items.filter(function (item) { return item.quantity > 0; });
}

class Basket {
  constructor(items) {
    this.items = helper(items);
  }

  total() {
    return round(this.items.reduce((sum, item) => sum + item.price * item.quantity, 0));
  }

  empty() {
    return this.items.length === 0;
  }
}

const tax = {
  helper(sum) { return sum * 0.2; },
  unused: function () { return 0; },
};

const later = () => () => "never";

module.exports = { Basket, tax, later, round };
