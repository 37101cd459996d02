-- wrk script replaying BenchmarkServiceLoad's mixed bodies (one JSON per line of $WRK_BODIES), e.g.
--   BALCAO_SERVER_BENCH_BODIES=/tmp/bodies.txt go test ./server -run '^$' -bench ServiceLoad -benchtime 1x
--   WRK_BODIES=/tmp/bodies.txt WRK_SECRET=bench-secret wrk -t2 -c64 -d20s --latency \
--     -s server/testdata/wrk_bodies.lua http://ADDR/buscaBeneficiarios
-- wrk counts answers other than 2xx/3xx as "Non-2xx or 3xx responses".
local bodies = {}
for line in io.lines(os.getenv("WRK_BODIES")) do
  if #line > 0 then bodies[#bodies + 1] = line end
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("WRK_SECRET") or "bench-secret"

local i = math.random(#bodies)
function request()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
