-- wrk script: every request creates a return case (one audited write) with a synthetic person.
-- The token comes from the environment (ACCORDO_TOKEN), set by run.sh.
local token = os.getenv("ACCORDO_TOKEN")
local counter = 0

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
end

function init(args)
    n = 0
end

function request()
    n = n + 1
    local body = string.format(
        '{"person":{"surname":"BENCH%d","given_names":"LOAD %d","claimed_nationality":"TUN"},"asylum":"none"}',
        id, n)
    return wrk.format("POST", "/api/v1/returns/cases", {
        ["Authorization"] = "Bearer " .. token,
        ["Content-Type"] = "application/json",
    }, body)
end
