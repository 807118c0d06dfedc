-- Scenario portal-reply: every request posts a customer reply (a durable write:
-- committed before the 201). Cookie, Host and Origin come from -H arguments.
wrk.method = "POST"
wrk.body = '{"body":"Benchmark reply: the export still fails after the update."}'
wrk.headers["Content-Type"] = "application/json"
