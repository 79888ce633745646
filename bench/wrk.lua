-- wrk script of the load bench: fixed headers from BENCH_HEADERS (one "Name: value"
-- per line), an optional POST body list from BENCH_BODIES (alternating lines:
-- Stripe-Signature, then the body), and p50/p95/p99 printed at the end.

local headers = {}
local header_file = os.getenv("BENCH_HEADERS")
if header_file and header_file ~= "" then
  for line in io.lines(header_file) do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name then headers[name] = value end
  end
end

local bodies, signatures = nil, nil
local body_file = os.getenv("BENCH_BODIES")
if body_file and body_file ~= "" then
  bodies, signatures = {}, {}
  local odd = true
  for line in io.lines(body_file) do
    if odd then table.insert(signatures, line) else table.insert(bodies, line) end
    odd = not odd
  end
end

local counter = 1
local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = 1 + (thread_index or 0)
end

function request()
  if bodies then
    local i = ((counter - 1) % #bodies) + 1
    counter = counter + 2
    local h = {}
    for k, v in pairs(headers) do h[k] = v end
    h["Content-Type"] = "application/json"
    h["Stripe-Signature"] = signatures[i]
    return wrk.format("POST", nil, h, bodies[i])
  end
  return wrk.format("GET", nil, headers, nil)
end

function done(summary, latency, requests)
  io.write("BENCH_RESULT ")
  io.write(string.format("requests=%d duration_us=%d ", summary.requests, summary.duration))
  io.write(string.format("status_errors=%d timeouts=%d connect_errors=%d ",
    summary.errors.status, summary.errors.timeout, summary.errors.connect))
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("p%d_us=%d ", p, latency:percentile(p)))
  end
  io.write("\n")
end
