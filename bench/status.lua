-- bench/status.lua: a wrk script that counts the answers by status, by
-- nginx's X-Cache-Status (the micro-cache of signed-out pages) and the
-- 503s that lack a Retry-After header, and prints them after wrk's own
-- report as lines "status CODE COUNT", "cache STATUS COUNT" (none for
-- answers without the header) and "503_without_retry_after N".
-- Used by bench/load.sh (wrk -s bench/status.lua).

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	counts = {}
	cache = {}
	no_retry = 0
end

function response(status, headers, body)
	local c = headers["X-Cache-Status"]
	counts[status] = (counts[status] or 0) + 1
	if c ~= nil then
		cache[c] = (cache[c] or 0) + 1
	end
	if status == 503 and headers["Retry-After"] == nil then
		no_retry = no_retry + 1
	end
end

function done(summary, latency, requests)
	local total, cached, missing = {}, {}, 0
	for _, t in ipairs(threads) do
		for code, n in pairs(t:get("counts")) do
			total[code] = (total[code] or 0) + n
		end
		for c, n in pairs(t:get("cache")) do
			cached[c] = (cached[c] or 0) + n
		end
		missing = missing + t:get("no_retry")
	end
	for code, n in pairs(total) do
		io.write(string.format("status %d %d\n", code, n))
	end
	for c, n in pairs(cached) do
		io.write(string.format("cache %s %d\n", c, n))
	end
	io.write(string.format("503_without_retry_after %d\n", missing))
end
