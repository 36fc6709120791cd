-- wrk script: GET /api/v1/me with the bearer token from ACCORDO_TOKEN (the read ceiling).
local token = os.getenv("ACCORDO_TOKEN")
wrk.headers["Authorization"] = "Bearer " .. token
wrk.path = "/api/v1/me"
