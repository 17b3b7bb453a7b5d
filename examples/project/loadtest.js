// The example's load test: two scenarios against a loopback server started by regenerate.sh.
import http from "k6/http";
import { check } from "k6";

export const options = {
  scenarios: {
    baseline: { executor: "constant-vus", vus: 2, duration: "2s" },
    peak: { executor: "constant-arrival-rate", rate: 60, timeUnit: "1s", duration: "2s",
            preAllocatedVUs: 5, startTime: "1s" },
  },
  thresholds: {
    http_req_duration: ["p(95)<300"],
    http_req_failed: ["rate<0.005"],
    "http_req_duration{scenario:peak}": ["p(95)<300"],
  },
  summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"],
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/cart`);
  check(res, { "status is 200": (r) => r.status === 200 });
}
