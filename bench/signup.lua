-- signup.lua: wrk script that sends real signups through Litmus's form, as load.sh uses it.
--
--   wrk -t64 -c64 -d10s -s bench/signup.lua http://127.0.0.1:18080 -- TOKENS RUN [ACKDIR]
--
-- TOKENS is a file of "token visitor-id" lines: forms fetched with GET / at least 2 s before
-- (the time trap refuses younger tokens; a token may be used many times). Each request posts
-- the form of one of them, round robin, with its visitor cookie and a unique email
-- "r<RUN>t<thread>n<count>@bench.example", so no signup is a duplicate.
--
-- With ACKDIR, each thread appends the email of every signup acknowledged with 303 to
-- ACKDIR/acked-RUN-THREAD.txt, so load.sh can check each one is in the database. That is
-- exact only with one connection per thread (-t equal to -c): a connection has one request in
-- flight, so the response belongs to the last request built on that thread.

local threads = {}

function setup(thread)
   threads[#threads + 1] = thread
   thread:set("id", #threads)
end

local agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"
local forms = {}
local prefix, ackfile, inflight

function init(args)
   local file, run, ackdir = args[1], args[2], args[3]
   if not file or not run then
      error("usage: wrk ... -s signup.lua URL -- TOKENS RUN [ACKDIR]")
   end
   for line in io.lines(file) do
      local token, visitor = line:match("^(%S+)%s+(%S+)$")
      if token then
         forms[#forms + 1] = { token = token, visitor = visitor }
      end
   end
   if #forms == 0 then
      error("no \"token visitor-id\" lines in " .. file)
   end
   prefix = "r" .. run .. "t" .. id .. "n"
   if ackdir and ackdir ~= "" then
      ackfile = assert(io.open(ackdir .. "/acked-" .. run .. "-" .. id .. ".txt", "w"))
   end
   sent, acked, refused = 0, 0, 0
end

function request()
   sent = sent + 1
   local form = forms[(sent + id) % #forms + 1]
   inflight = prefix .. sent .. "@bench.example"
   local body = "_token=" .. form.token .. "&email=" .. (inflight:gsub("@", "%%40")) ..
      "&work=Development&consent=on&website="
   return wrk.format("POST", "/chaser/signup", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "litmus_vid=" .. form.visitor,
      ["Sec-Fetch-Site"] = "same-origin",
      ["User-Agent"] = agent,
   }, body)
end

function response(status, headers, body)
   if status == 303 and headers["Location"] == "/chaser/thanks" then
      acked = acked + 1
      if ackfile then
         ackfile:write(inflight, "\n")
      end
   else
      refused = refused + 1
   end
end

function done(summary, latency, requests)
   local s, a, r = 0, 0, 0
   for _, t in ipairs(threads) do
      s = s + t:get("sent")
      a = a + t:get("acked")
      r = r + t:get("refused")
   end
   -- One line for load.sh to read; requests built but not answered were cut off at the end.
   io.write(string.format("signups: acked %d refused %d built %d\n", a, r, s))
end
