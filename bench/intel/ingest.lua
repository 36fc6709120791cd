-- wrk script: every request sends an intel message (POST /api/v1/intel/messages) as the
-- officer whose bearer token is in ACCORDO_TOKEN (ingest.sh signs in as ita.officer, IT-PS),
-- addressed to ES-PN under AMBER. Each message names five identifiers:
--   in the body, extracted by the server: an Italian telephone number written in Italy's
--     dialling plan (0039 06 …) and an Italian IBAN with its check digits computed here,
--     both new in every message;
--   entered: a Pakistani mobile number, new in every message; an e-mail address from a pool
--     of 2,000 (so keys repeat from the second thousand messages on: the index knows them
--     and the database is asked, without a hit, since the sender's agency reads its own);
--   and in one message in ten, one of the three identifiers of the demo's Turkish coast-guard
--     message to Greece (IMO 9074729, MMSI 271000001, +92 300 1234567), which Italy may not
--     read: a hit, written for both agencies and notified to TR-SG's officer.
-- INGEST_BASE (set by ingest.sh, different for the warm-up and the measured run) keeps the
-- new identifiers of one wrk run apart from the last one's. Any answer but 201 is counted
-- and printed by done() as "non-201: N" (ingest.sh fails on it).
local token = os.getenv("ACCORDO_TOKEN")
local base = tonumber(os.getenv("INGEST_BASE") or "0")
local counter = 0
local threads = {}

local HITS = {
    '{"kind":"imo","value":"IMO 9074729"}',
    '{"kind":"mmsi","value":"271000001"}',
    '{"kind":"phone","value":"+92 300 1234567"}',
}

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
    table.insert(threads, thread)
end

function init(args)
    n = 0
    bad = 0
    statuses = {}
end

-- The check digits of an Italian IBAN whose BBAN is `bban` (ISO 13616: mod 97 of the BBAN,
-- then "IT00", letters as 10–35).
local function iban_check(bban)
    local r = 0
    local s = bban .. "IT00"
    for i = 1, #s do
        local c = s:byte(i)
        if c >= 65 then
            r = (r * 100 + (c - 55)) % 97
        else
            r = (r * 10 + (c - 48)) % 97
        end
    end
    return string.format("%02d", 98 - r)
end

local function grouped(s)
    return (s:gsub("(....)", "%1 "):gsub(" $", ""))
end

function request()
    n = n + 1
    -- Unique within a run: 2 threads, fewer than 2 million requests each.
    local u = base * 4000000 + id * 2000000 + n
    local it_phone = (u * 7919 + 12345678) % 100000000
    local account = string.format("%012d", u)
    local bban = "X0542811101" .. account
    local iban = grouped("IT" .. iban_check(bban) .. bban)
    local pk_phone = string.format("+92 301 %07d", u % 10000000)
    local email = string.format("broker%d@example.org", (u * 31) % 2000)
    local entities = string.format(
        '{"kind":"phone","value":"%s"},{"kind":"email","value":"%s"}', pk_phone, email)
    if u % 10 == 0 then
        entities = entities .. "," .. HITS[math.floor(u / 10) % 3 + 1]
    end
    local body = string.format(
        '{"subject":"Transfers for the Zuwara departures, report %d",' ..
        '"body":"The broker called 0039 06 %04d %04d twice before the departure and was paid ' ..
        'through IBAN %s by a money-transfer agent. Reliability of the informant as graded.",' ..
        '"tlp":"AMBER","addressees":["ES-PN"],"reliability":"B","credibility":"2",' ..
        '"entities":[%s]}',
        u, math.floor(it_phone / 10000), it_phone % 10000, iban, entities)
    return wrk.format("POST", "/api/v1/intel/messages", {
        ["Authorization"] = "Bearer " .. token,
        ["Content-Type"] = "application/json",
    }, body)
end

function response(status, headers, body)
    if status ~= 201 then
        bad = bad + 1
        if bad <= 3 then
            io.stderr:write("status " .. status .. ": " .. string.sub(body or "", 1, 300) .. "\n")
        end
    end
end

function done(summary, latency, requests)
    local total = 0
    for _, t in ipairs(threads) do
        total = total + (t:get("bad") or 0)
    end
    io.write(string.format("non-201: %d\n", total))
end
