-- bench/status.lua: a wrk script that counts the answers by status and
-- the 503s that lack a Retry-After header, and prints them after wrk's
-- own report as lines "status CODE COUNT" and "503_without_retry_after N".
-- Used by bench/load.sh (wrk -s bench/status.lua).

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	counts = {}
	no_retry = 0
end

function response(status, headers, body)
	counts[status] = (counts[status] or 0) + 1
	if status == 503 and headers["Retry-After"] == nil then
		no_retry = no_retry + 1
	end
end

function done(summary, latency, requests)
	local total, missing = {}, 0
	for _, t in ipairs(threads) do
		for code, n in pairs(t:get("counts")) do
			total[code] = (total[code] or 0) + n
		end
		missing = missing + t:get("no_retry")
	end
	for code, n in pairs(total) do
		io.write(string.format("status %d %d\n", code, n))
	end
	io.write(string.format("503_without_retry_after %d\n", missing))
end
