-- wrk script for Fixtures/smsc/verify_load.py. Each thread has one connection and takes every
-- n-th line of the file in VERIFY_REQUESTS ("PATH BODY", a form POST); it sends its lines one
-- after another and, after the answer to its last, prints "finished OK OTHER" (OK: answers
-- 2xx whose body holds VERIFY_EXPECT) and stops. One connection per thread means no request
-- is sent beyond the list, and that the next request follows the last answer: its line is
-- the one after the lines answered (wrk calls request() once more on the first thread, before
-- sending, to see what it gives).
local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  local total, n = tonumber(os.getenv("VERIFY_THREADS")), 0
  lines, answered, ok, other = {}, 0, 0, 0
  expect = os.getenv("VERIFY_EXPECT")
  for line in io.lines(os.getenv("VERIFY_REQUESTS")) do
    if n % total == index then table.insert(lines, line) end
    n = n + 1
  end
  wrk.headers["Authorization"] = "Basic " .. os.getenv("VERIFY_AUTH")
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  local path, body = lines[math.min(answered + 1, #lines)]:match("^(%S+) (.*)$")
  return wrk.format("POST", path, nil, body)
end

function response(status, headers, body)
  answered = answered + 1
  if status >= 200 and status < 300 and body:find(expect, 1, true) then ok = ok + 1 else other = other + 1 end
  if answered >= #lines then
    print(string.format("finished %d %d", ok, other))
    io.stdout:flush()
    wrk.thread:stop()
  end
end
