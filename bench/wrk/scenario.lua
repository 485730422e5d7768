-- One anonymous benchmark scenario for wrk (bench/run.py starts it; see bench/README.md).
--
--   wrk -t THREADS -c CONNECTIONS -d SECONDS --timeout 30s -s bench/wrk/scenario.lua URL -- URLS MODE THREADS
--
-- URLS: a file of request targets (path?query), one a line, drawn by run.py from the same mixes as
-- locustfile.py (bench/traffic.py). Thread k of THREADS sends lines k, k + THREADS, k + 2 THREADS, …
-- (wrapping at the end), so the threads replay disjoint parts of one random sequence.
-- MODE "plain": every request is the next line; latency percentiles are wrk's own histogram.
-- MODE "category": every line is a listing's first page; the cursor of its "Load more" link is
-- parsed out of the body (decompressed here: brotli or gzip through LuaJIT's FFI) and the thread's
-- next request is that load more (same URL + cursor, HX-Request / HX-Target: load-more), as the htmx
-- button sends it. Run it with one connection per thread (-t N -c N): a thread then has exactly one
-- request in flight, so request() and response() pair up and each kind's latency is timed here, per
-- request, into two rows (first page, load more).
--
-- Per thread and request kind: responses, non-2xx, X-SQL-Statements (sum, min, max, count) and
-- X-Cache (seen, HIT); done() adds them up through the thread objects kept by setup() and prints
-- one line "bench-json: {...}" that run.py reads.

local ffi = require("ffi")

-- setup() and done() run in the main script environment, not in the threads' ones.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_index", #threads - 1)
end

-- Running phase (each thread its own environment) ----------------------------------------------

local urls, stride, position, mode
local pending_more       -- the load-more target queued by the last first page, sent next
local last_first         -- category mode: target of the last first page sent
local in_flight_kind     -- category mode: kind of the request on the wire
local sent_at            -- category mode: when it was written (microseconds, monotonic)
local headers_first, headers_more

-- Per kind ("plain", or "first" and "more"): globals stats_<kind> (counters) and ms_<kind> (latencies
-- in ms, category mode only), flat tables: thread:get() crashes on nested ones (wrk 4.1).
local KINDS = { "plain", "first", "more" }
local COUNTERS = { "responses", "non2xx", "lost", "no_cursor", "sql_sum", "sql_n", "cache", "cache_hits" }

local function counters(kind)
   local c = _G["stats_" .. kind]
   if c == nil then
      c = { sql_min = -1, sql_max = -1 }
      for _, key in ipairs(COUNTERS) do c[key] = 0 end
      _G["stats_" .. kind], _G["ms_" .. kind] = c, {}
   end
   return c
end

ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
int BrotliDecoderDecompress(size_t encoded_size, const uint8_t *encoded, size_t *decoded_size, uint8_t *decoded);
typedef struct {
   const uint8_t *next_in; unsigned int avail_in; unsigned long total_in;
   uint8_t *next_out; unsigned int avail_out; unsigned long total_out;
   const char *msg; void *state; void *zalloc; void *zfree; void *opaque;
   int data_type; unsigned long adler; unsigned long reserved;
} bench_z_stream;
const char *zlibVersion(void);
int inflateInit2_(bench_z_stream *strm, int window_bits, const char *version, int stream_size);
int inflate(bench_z_stream *strm, int flush);
int inflateEnd(bench_z_stream *strm);
]]

local now_ts = ffi.new("bench_timespec")
local function now_us()
   ffi.C.clock_gettime(1, now_ts)  -- CLOCK_MONOTONIC
   return tonumber(now_ts.tv_sec) * 1000000 + tonumber(now_ts.tv_nsec) / 1000
end

local function load_library(names)
   for _, name in ipairs(names) do
      local ok, lib = pcall(ffi.load, name)
      if ok then return lib end
   end
   return nil
end

local OUT_SIZE = 4 * 1024 * 1024  -- a listing page is ~40 KB compressed 10:1; far more than enough
local out_buffer, out_size, brotli, zlib

local function unbrotli(body)
   out_size[0] = OUT_SIZE
   if brotli.BrotliDecoderDecompress(#body, body, out_size, out_buffer) ~= 1 then return nil end
   return ffi.string(out_buffer, out_size[0])
end

local function gunzip(body)
   local stream = ffi.new("bench_z_stream")
   if zlib.inflateInit2_(stream, 31, zlib.zlibVersion(), ffi.sizeof(stream)) ~= 0 then return nil end
   stream.next_in, stream.avail_in = ffi.cast("const uint8_t *", body), #body
   stream.next_out, stream.avail_out = out_buffer, OUT_SIZE
   local status = zlib.inflate(stream, 4)  -- Z_FINISH
   local size = OUT_SIZE - stream.avail_out
   zlib.inflateEnd(stream)
   if status ~= 1 then return nil end  -- Z_STREAM_END
   return ffi.string(out_buffer, size)
end

local function header(headers, name)
   local value = headers[name]
   if value ~= nil then return value end
   local lower = string.lower(name)
   for key, v in pairs(headers) do
      if string.lower(key) == lower then return v end
   end
   return nil
end

function init(args)
   local path, index = args[1], thread_index or 0
   mode, stride = args[2] or "plain", tonumber(args[3]) or 1
   urls = {}
   for line in io.lines(path) do
      if line ~= "" then table.insert(urls, line) end
   end
   position = index % #urls
   local accept = "gzip, br"  -- what a browser sends
   if mode == "category" then
      -- Only advertise what can be decoded here (the cursor is in the compressed body).
      brotli = load_library({ "libbrotlidec.so.1", "brotlidec" })
      zlib = load_library({ "libz.so.1", "z" })
      out_buffer, out_size = ffi.new("uint8_t[?]", OUT_SIZE), ffi.new("size_t[1]")
      local accepted = {}
      if zlib then table.insert(accepted, "gzip") end
      if brotli then table.insert(accepted, "br") end
      accept = table.concat(accepted, ", ")
   end
   headers_first = { ["Accept-Encoding"] = accept }
   headers_more = { ["Accept-Encoding"] = accept, ["HX-Request"] = "true", ["HX-Target"] = "load-more" }
   if accept == "" then
      headers_first["Accept-Encoding"], headers_more["Accept-Encoding"] = nil, nil
   end
   counters(mode == "category" and "first" or "plain")
end

function request()
   local kind, target, headers = "plain", nil, headers_first
   if pending_more ~= nil then
      kind, target, headers, pending_more = "more", pending_more, headers_more, nil
   else
      target = urls[position + 1]
      position = (position + stride) % #urls
      if mode == "category" then kind, last_first = "first", target end
   end
   if mode == "category" then
      -- One request in flight per thread: a new one before the last one's response means that one
      -- got no answer (a socket error: wrk reconnects and asks again). Informative only: the error
      -- rate counts wrk's own socket errors.
      if in_flight_kind ~= nil then counters(in_flight_kind).lost = counters(in_flight_kind).lost + 1 end
      in_flight_kind, sent_at = kind, now_us()
   end
   return wrk.format("GET", target, headers)
end

function response(status, headers, body)
   local kind = "plain"
   if mode == "category" then
      kind = in_flight_kind or "first"
      if sent_at ~= nil and in_flight_kind ~= nil then
         counters(kind)
         local list = _G["ms_" .. kind]
         list[#list + 1] = (now_us() - sent_at) / 1000
      end
      in_flight_kind, sent_at = nil, nil
   end
   local c = counters(kind)
   c.responses = c.responses + 1
   if status < 200 or status > 299 then c.non2xx = c.non2xx + 1 end
   local sql = tonumber(header(headers, "X-SQL-Statements"))
   if sql ~= nil then
      c.sql_sum, c.sql_n = c.sql_sum + sql, c.sql_n + 1
      if c.sql_min < 0 or sql < c.sql_min then c.sql_min = sql end
      if sql > c.sql_max then c.sql_max = sql end
   end
   local cache = header(headers, "X-Cache")
   if cache ~= nil then
      c.cache = c.cache + 1
      if string.upper(cache) == "HIT" then c.cache_hits = c.cache_hits + 1 end
   end
   if kind == "first" and status == 200 then
      local encoding = string.lower(header(headers, "Content-Encoding") or "")
      local text = body
      if encoding == "br" then
         text = brotli and unbrotli(body)
      elseif encoding == "gzip" then
         text = zlib and gunzip(body)
      end
      local cursor = text and string.match(text, "cursor=([%w_%-]+)")
      if cursor ~= nil then
         pending_more = last_first .. "&cursor=" .. cursor
      else
         c.no_cursor = c.no_cursor + 1
      end
   end
end

-- Done (main environment) -----------------------------------------------------------------------

local function json(value)
   local kind = type(value)
   if kind == "table" then
      if #value > 0 or next(value) == nil then
         local parts = {}
         for i = 1, #value do parts[i] = json(value[i]) end
         return "[" .. table.concat(parts, ",") .. "]"
      end
      local parts = {}
      for key, v in pairs(value) do table.insert(parts, '"' .. tostring(key) .. '":' .. json(v)) end
      return "{" .. table.concat(parts, ",") .. "}"
   elseif kind == "number" then
      if value ~= value or value == math.huge or value == -math.huge then return "null" end
      return string.format("%.17g", value)
   elseif kind == "string" then  -- only plain ASCII names here
      return '"' .. value .. '"'
   end
   return "null"
end

function done(summary, latency, requests)
   local kinds = {}
   for _, kind in ipairs(KINDS) do
      for _, thread in ipairs(threads) do
         local c, ms = thread:get("stats_" .. kind), thread:get("ms_" .. kind)
         if c ~= nil then
            local total = kinds[kind]
            if total == nil then
               total = { sql_min = -1, sql_max = -1, ms = {} }
               for _, key in ipairs(COUNTERS) do total[key] = 0 end
               kinds[kind] = total
            end
            for _, key in ipairs(COUNTERS) do total[key] = total[key] + c[key] end
            if c.sql_min >= 0 and (total.sql_min < 0 or c.sql_min < total.sql_min) then total.sql_min = c.sql_min end
            if c.sql_max > total.sql_max then total.sql_max = c.sql_max end
            for _, value in ipairs(ms or {}) do total.ms[#total.ms + 1] = value end
         end
      end
   end
   local e = summary.errors
   io.write("bench-json: ", json({
      duration_us = summary.duration, requests = summary.requests, bytes = summary.bytes,
      socket_errors = { connect = e.connect, read = e.read, write = e.write, timeout = e.timeout, status = e.status },
      latency_us = { p50 = latency:percentile(50), p95 = latency:percentile(95), p99 = latency:percentile(99),
                     mean = latency.mean, max = latency.max },
      kinds = kinds,
   }), "\n")
end
