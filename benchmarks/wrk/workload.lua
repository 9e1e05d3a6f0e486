-- wrk script for Courier's comparison (run-comparison.sh sets the environment):
--   WRK_METHOD      GET or POST
--   WRK_BODY_SIZE   request body bytes (0 for none); the body is built once, as wrk sends one buffer
--   WRK_CLOSE       1 to send "Connection: close" (a new connection per request)
-- At the end it prints one line the runner turns into a RESULT line:
--   WRK requests=N duration_us=N errors=N p50_us=.. p99_us=.. p999_us=.. max_us=..
wrk.method = os.getenv("WRK_METHOD") or "GET"
local size = tonumber(os.getenv("WRK_BODY_SIZE") or "0")
if size > 0 then
  wrk.body = string.rep("x", size)
  wrk.headers["Content-Length"] = tostring(size)
end
if os.getenv("WRK_CLOSE") == "1" then
  wrk.headers["Connection"] = "close"
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format("WRK requests=%d duration_us=%d errors=%d p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f\n",
    summary.requests, summary.duration, errors,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
