"""A tiny shopping-cart library: the example project the bundled gates judge."""
