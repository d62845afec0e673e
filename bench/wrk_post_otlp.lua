-- wrk script for bench/measure_relay.sh: POSTs an OTLP ExportTraceServiceRequest of BODY_BYTES bytes
-- (default 1024; one resource_spans field whose content the relay does not look into: the same body
-- relay_ack_bench sends) to the URL's path, and counts the answers by status.
local size = tonumber(os.getenv("BODY_BYTES") or "1024")
local content = size - 6  -- tag byte, then a 5-byte varint padded so the size stays exact
local length = {}
for i = 1, 5 do
  local byte = content % 128
  content = math.floor(content / 128)
  if i < 5 then byte = byte + 128 end
  length[i] = string.char(byte)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-protobuf"
wrk.body = "\10" .. table.concat(length) .. string.rep("x", size - 6)

local statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, count in pairs(counts) do totals[status] = (totals[status] or 0) + count end
  end
  for status, count in pairs(totals) do
    io.write(string.format("  status %d: %d (%.0f %%)\n", status, count, 100 * count / summary.requests))
  end
end
