// Wrote tests/data/k6/real-run.ndjson: k6 v1.1.0, `k6 run -e BASE_URL=http://127.0.0.1:PORT
// --out json=real-run.ndjson real-run.js` against a loopback server whose /flaky paths
// answer 500 three times in ten (tests/adapters/test_k6_differential.py reads it).
import http from 'k6/http';
import { check, group } from 'k6';
import { Trend, Rate, Counter, Gauge } from 'k6/metrics';
const BASE = __ENV.BASE_URL;
const cart = new Trend('cart_latency', true);
const cartErrors = new Rate('cart_errors');
const items = new Counter('items_added');
const queue = new Gauge('queue_depth');
export const options = {
  scenarios: {
    base: { executor: 'per-vu-iterations', vus: 1, iterations: 4, exec: 'browse', tags: { load: 'normal' } },
    peak: { executor: 'per-vu-iterations', vus: 1, iterations: 3, exec: 'buy', startTime: '100ms' },
  },
};
export function browse() {
  group('login', () => {
    const r = http.get(`${BASE}/fast?a=1&b=<2>`, { tags: { name: 'login <fast> & "quoted"' } });
    check(r, { 'login ok': (x) => x.status === 200 });
  });
  http.get(`${BASE}/flaky/catalog`);
}
export function buy() {
  const r = http.post(`${BASE}/flaky/cart`, '{}', { tags: { name: 'checkout' } });
  cart.add(r.timings.duration);
  cartErrors.add(r.status !== 200);
  items.add(1 + Math.floor(Math.random() * 3));
  queue.add(Math.floor(Math.random() * 50) - 10);
  check(r, { 'cart ok': (x) => x.status === 200 });
}
