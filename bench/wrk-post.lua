-- wrk script for `npm run bench`: POSTs one fixed body with fixed headers, and prints the
-- round's figures as one JSON line (prefixed `BENCH_JSON `) so the runner parses them robustly.
--   BENCH_BODY_FILE     file holding the request body
--   BENCH_HEADERS_FILE  file of `Name: value` lines
local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local body_file = os.getenv("BENCH_BODY_FILE")
local headers_file = os.getenv("BENCH_HEADERS_FILE")
assert(body_file and headers_file, "BENCH_BODY_FILE and BENCH_HEADERS_FILE must be set")

wrk.method = "POST"
wrk.body = slurp(body_file)
for line in io.lines(headers_file) do
  local name, value = line:match("^([^:]+):%s*(.-)%s*$")
  if name then wrk.headers[name] = value end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%.1f,"mean":%.1f,"stdev":%.1f,"max":%.1f,' ..
    '"p50":%.1f,"p75":%.1f,"p90":%.1f,"p99":%.1f,"p999":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
end
