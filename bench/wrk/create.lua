-- wrk script for POST /admin/customers: every request creates a customer with a unique email.
-- Usage: wrk -s create.lua -H 'Authorization: Bearer ...' URL -- RUN_PREFIX
-- Emails are <RUN_PREFIX>-<thread>-<n>@bench.example.com, so runs and threads never collide.
local counter = 0
local threads = {}

setup = function(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local prefix = "run"
local n = 0
local firsts = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"}
local lasts = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"}

init = function(args)
  prefix = args[1] or "run"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

request = function()
  n = n + 1
  local i = n % 8 + 1
  local body = string.format(
    '{"email":"%s-%d-%d@bench.example.com","first_name":"%s","last_name":"%s",' ..
    '"company_name":"Bench Load %d","phone":"+1 555-01%02d","metadata":{"source":"wrk","seq":%d}}',
    prefix, tid, n, firsts[i], lasts[i], tid, n % 100, n)
  return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
