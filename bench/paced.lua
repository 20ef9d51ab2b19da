-- paced.lua: wrk script that holds each connection to one request per DELAY_MS, so that
-- C connections offer about C * 1000 / (DELAY_MS + latency) requests per second. Debian has
-- no wrk2; this is how load.sh measures latency at a chosen rate (half the maximum) with plain
-- wrk. wrk starts its latency clock when the request is written, after the pause.
--
--   wrk -t2 -c80 -d10s --latency -s bench/paced.lua URL -- DELAY_MS

local pause = 10

function init(args)
   if args[1] then
      pause = tonumber(args[1]) or error("DELAY_MS must be a number of milliseconds, got " .. args[1])
   end
end

function delay()
   return pause
end
