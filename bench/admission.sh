#!/usr/bin/env bash
# Admission at cluster scale: keep-alive HTTPS load (wrk) against `modelgate serve`, with models in
# Debian's docker-registry on loopback. Writes the "Admission" section of BENCHMARKS.md.
# Usage: bench/admission.sh [seconds per row, default 15] [soak minutes, default 10]
# Needs: docker-registry, wrk, curl, python3, jcmd (the JDK). Uses the test key of testdata/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dur="${1:-15}"
soak_min="${2:-10}"
conns=16
work="$here/bench/work-admission"
rm -rf "$work"; mkdir -p "$work"
for tool in docker-registry wrk curl python3 jcmd; do
  command -v "$tool" >/dev/null || { echo "bench/admission.sh: needs $tool" >&2; exit 2; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# --- registry, and a proxy in front of it that can be slow, throttle or vanish -------------------
rport=$(free_port); pport=$(free_port); dead=$(free_port)
cat > "$work/registry.yml" <<CFG
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$rport}
CFG
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 & pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$rport/v2/" >/dev/null && break; sleep 0.1; done
cat > "$work/proxy.py" <<'PY'
import http.server, socketserver, sys, time, urllib.request, os
upstream, mode_file = sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self): self.relay()
    def do_HEAD(self): self.relay()
    def relay(self):
        mode = open(mode_file).read().split()
        if mode and mode[0] == "slow": time.sleep(float(mode[1]))
        if mode and mode[0] == "throttle" and time.time() < float(mode[1]):
            self.send_response(429); self.send_header("Retry-After", "2"); self.send_header("Content-Length", "0"); self.end_headers(); return
        req = urllib.request.Request(upstream + self.path, method=self.command, headers={k: v for k, v in self.headers.items() if k.lower() in ("accept",)})
        try:
            r = urllib.request.urlopen(req, timeout=30); status, body, hdrs = r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            status, body, hdrs = e.code, e.read(), e.headers
        self.send_response(status)
        for k in ("Content-Type", "Docker-Content-Digest", "Location"):
            if hdrs.get(k): self.send_header(k, hdrs.get(k))
        self.send_header("Content-Length", str(len(body))); self.end_headers()
        if self.command != "HEAD": self.wfile.write(body)
class S(socketserver.ThreadingMixIn, http.server.HTTPServer): daemon_threads = True
S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
echo "normal" > "$work/proxy.mode"
python3 "$work/proxy.py" "$pport" "http://127.0.0.1:$rport" "$work/proxy.mode" > "$work/proxy.log" 2>&1 & pids+=($!)

# --- models: the signed sample, its tampered copy, and 100 small files ---------------------------
cp -r "$here/testdata/models/sample" "$work/sample"
cp -r "$here/testdata/models/sample-tampered" "$work/tampered"
mkdir -p "$work/layers100"
for i in $(seq -w 0 99); do head -c 65536 /dev/urandom > "$work/layers100/shard-$i.bin"; done
"$here/modelgate" sign "$work/layers100" --private-key "$here/testdata/keys/signer.key" 2>/dev/null
push() { "$here/modelgate" push "$1" "oci://127.0.0.1:$rport/bench/$2:v1" --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])'; }
d_sample=$(push "$work/sample" sample)
push "$work/tampered" tampered >/dev/null
push "$work/layers100" layers100 >/dev/null
push "$work/sample" herd >/dev/null
push "$work/sample" faults >/dev/null

mkdir -p "$work/policies"
{
  echo "apiVersion: modelgate.dev/v1alpha1"; echo "kind: ClusterModelPolicy"; echo "metadata: {name: bench}"; echo "spec:"
  echo "  match: {models: [\"oci://127.0.0.1:*/**\"]}"
  echo "  authorities:"; echo "    - name: bench-key"; echo "      key:"; echo "        publicKey: |"
  sed 's/^/          /' "$here/testdata/keys/signer.pub"
} > "$work/policies/bench.yaml"

review() { # review FILE IMAGE-REFERENCE|"" : one AdmissionReview for a Pod (with an image volume when a reference is given)
  local vol=""
  [ -n "$2" ] && vol=",\"volumes\":[{\"name\":\"weights\",\"image\":{\"reference\":\"$2\"}}]"
  printf '%s' "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"bench\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"namespace\":\"ml\",\"operation\":\"CREATE\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"ml\"},\"spec\":{\"containers\":[{\"name\":\"s\",\"image\":\"server\"}]$vol}}}}" > "$work/$1.json"
}
review nomodel ""
review digest "127.0.0.1:$rport/bench/sample@$d_sample"
review tag "127.0.0.1:$rport/bench/sample:v1"
review denial "127.0.0.1:$rport/bench/tampered:v1"
review cold100 "127.0.0.1:$rport/bench/layers100:v1"
review herd "127.0.0.1:$rport/bench/herd:v1"
review faults "127.0.0.1:$pport/bench/faults:v1"
review down "127.0.0.1:$dead/bench/faults:v1"

cat > "$work/wrk.lua" <<'LUA'
-- POSTs the review in $BODY (or, with $BODIES, rotates through several); counts answers.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies, n = {}, 0
for f in string.gmatch(os.getenv("BODIES") or os.getenv("BODY"), "[^,]+") do
  local h = io.open(f); bodies[#bodies + 1] = h:read("*a"); h:close()
end
local threads = {}
function setup(t) table.insert(threads, t) end
function init(args) allowed = 0; denied = 0; other = 0 end
function request() n = n + 1; return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1]) end
function response(status, headers, body)
  if string.find(body, '"allowed":true', 1, true) then allowed = allowed + 1
  elseif string.find(body, '"allowed":false', 1, true) then denied = denied + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local a, d, o = 0, 0, 0
  for _, t in ipairs(threads) do a = a + t:get("allowed"); d = d + t:get("denied"); o = o + t:get("other") end
  io.write(string.format("RESULT %d %.1f %.2f %.2f %.2f %d %d %d %d\n", summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, a, d, o, summary.errors.timeout))
end
LUA

serve() { # serve PORT extra-flags... ; sets $server. The JVM sizes itself as in the chart's 1 GiB memory limit.
  MODELGATE_JAVA_OPTS="${MODELGATE_JAVA_OPTS:--XX:MaxRAM=1g}" "$here/modelgate" serve --policies "$work/policies" --port "$1" "${@:2}" > "$work/serve-$1.log" 2>&1 &
  server=$!; pids+=($server)
  for _ in $(seq 150); do curl -skf "https://127.0.0.1:$1/q/health/ready" >/dev/null && return; sleep 0.2; done
  echo "bench/admission.sh: serve on $1 did not become ready" >&2; cat "$work/serve-$1.log" >&2; exit 1
}
registry_requests() { # registry_requests PORT REGISTRY-PORT: requests ModelGate sent to that registry so far
  curl -sk "https://127.0.0.1:$1/q/metrics" | awk -v r="registry=\"127.0.0.1:$2\"" 'index($0, "modelgate_registry_requests_total{") == 1 && index($0, r) { s += $NF } END { printf "%d", s }'
}
rss_mib() { echo $(( $(ps -o rss= -p "$1") / 1024 )); }
load() { # load PORT BODY SECONDS CONNECTIONS TIMEOUT -> "requests rps p50 p99 max allowed denied other timeouts"
  BODY="$2" wrk -t1 -c"$4" -d"$3s" --timeout 30s -s "$work/wrk.lua" "https://127.0.0.1:$1/validate?timeout=$5" 2>/dev/null | awk '/^RESULT/ {$1=""; print}'
}

wport=$(free_port); serve "$wport"
port_cached=$wport; pid_cached=$server
for b in digest tag denial; do  # fill the cache once, as the first pod of a rollout would
  curl -sk -H 'Content-Type: application/json' --data-binary @"$work/$b.json" "https://127.0.0.1:$wport/validate" > /dev/null
done
cport=$(free_port); serve "$cport" --no-cache
port_cold=$cport

# Warm-up of the JIT and connections on every kind of review, so the first row is not the slowest by accident.
BODIES="$work/nomodel.json,$work/digest.json,$work/tag.json,$work/denial.json" \
  wrk -t1 -c"$conns" -d20s --timeout 30s -s "$work/wrk.lua" "https://127.0.0.1:$port_cached/validate?timeout=10s" > /dev/null 2>&1
load "$port_cold" "$work/cold100.json" 10 "$conns" 10s > /dev/null

rows=()
declare -A floor
run_row() { # run_row LABEL PORT BODY
  local before after n rps p50 p99 max a d o t
  load "$2" "$work/$3.json" 3 "$conns" 10s > /dev/null  # warm-up (JIT, connections)
  before=$(registry_requests "$2" "$rport")
  read -r n rps p50 p99 max a d o t < <(load "$2" "$work/$3.json" "$dur" "$conns" 10s)
  after=$(registry_requests "$2" "$rport")
  [ -z "${floor[rps]:-}" ] && floor[rps]=$rps && floor[p99]=$p99
  rows+=("| $1 | $rps | $p50 | $p99 | $(python3 -c "print(f'{$rps/${floor[rps]}:.2f}x')") | $(python3 -c "print(f'{$p99/${floor[p99]}:.1f}x')") | $(python3 -c "print(round(($after-$before)*1000/max($n,1), 1))") | $a / $d / $o | $(rss_mib "$4") |")
}
run_row "no model (floor)" "$port_cached" nomodel "$pid_cached"
run_row "digest-pinned, verified (cache hit)" "$port_cached" digest "$pid_cached"
run_row "tag, verified (tag and result cached)" "$port_cached" tag "$pid_cached"
run_row "repeated denial (tampered, failure cached)" "$port_cached" denial "$pid_cached"
run_row "cold 100-layer model (serve --no-cache)" "$port_cold" cold100 "$server"

# 200 identical reviews at once of a model nobody has verified yet.
herd_before=$(registry_requests "$port_cached" "$rport")
seq 200 | xargs -P 200 -I{} curl -sk -o /dev/null -H 'Content-Type: application/json' --data-binary @"$work/herd.json" "https://127.0.0.1:$port_cached/validate?timeout=10s"
herd=$(( $(registry_requests "$port_cached" "$rport") - herd_before ))

# Faults, through the proxy (cold each time: the --no-cache server), with a 5 s review timeout.
fault_rows=()
fault() { # fault LABEL BODY
  local n rps p50 p99 max a d o t
  read -r n rps p50 p99 max a d o t < <(load "$port_cold" "$work/$2.json" "$dur" "$conns" 5s)
  fault_rows+=("| $1 | $n | $p50 | $p99 | $max | $a | $d | $o | $t |")
}
echo "slow 2" > "$work/proxy.mode"; fault "registry answers each request after 2 s" faults
echo "throttle $(( $(date +%s) + 10 ))" > "$work/proxy.mode"; fault "registry answers 429 (Retry-After: 2) for 10 s, then normally" faults
echo "normal" > "$work/proxy.mode"; fault "registry down (connection refused)" down

# Soak: mixed reviews for $soak_min minutes on the caching server; RSS and heap after a full GC.
heap_used() { jcmd "$1" GC.run > /dev/null; jcmd "$1" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub("K", "", v); print int(v / 1024); exit } }'; }
rss0=$(rss_mib "$pid_cached"); heap0=$(heap_used "$pid_cached")
read -r sn srps sp50 sp99 smax sa sd so st < <(BODIES="$work/nomodel.json,$work/digest.json,$work/tag.json,$work/denial.json" \
  wrk -t1 -c"$conns" -d"$(( soak_min * 60 ))s" --timeout 30s -s "$work/wrk.lua" "https://127.0.0.1:$port_cached/validate?timeout=10s" 2>/dev/null | awk '/^RESULT/ {$1=""; print}')
rss1=$(rss_mib "$pid_cached"); heap1=$(heap_used "$pid_cached")

table=$(cat <<MD
<!-- bench:admission:start -->
## Admission at cluster scale (keep-alive HTTPS, wrk)

\`wrk -t1 -c$conns\` for $dur s per row (after 20 s of mixed warm-up and 3 s per row) against one
\`modelgate serve\` (JVM sized as in the chart's 1 GiB memory limit: \`-XX:MaxRAM=1g\`, so a 256 MiB heap;
verification cache on, filled by one review of each model first), models in Debian's docker-registry 2.8.2 on
loopback; both share the machine's $(nproc) cores with wrk. Each request is a Pod AdmissionReview with
an image-volume model. Ratios are to the no-model floor of the same run; registry requests are
ModelGate's own count (\`modelgate_registry_requests_total\`) during the row.

| Review | reviews/s | p50 ms | p99 ms | vs floor (reviews/s) | vs floor (p99) | registry requests / 1,000 reviews | allowed / denied / other | RSS after (MiB) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
$(printf '%s\n' "${rows[@]}")

200 identical reviews sent at once for a model not yet verified: **$herd registry requests** in all.

### Under faults (\`serve --no-cache\`, \`?timeout=5s\`; the answer budget is 4.5 s)

| Registry | reviews | p50 ms | p99 ms | max ms | allowed | denied | other | wrk timeouts |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
$(printf '%s\n' "${fault_rows[@]}")

"allowed" under a fault is a review whose model was verified (the 429 row, once the registry
answers again); no policy here sets \`onError: Allow\`, so nothing is admitted unverified.

### Soak: $soak_min minutes of mixed reviews (no model, digest, tag, denial)

| | start | end |
|---|---:|---:|
| RSS (MiB) | $rss0 | $rss1 |
| heap used after a full GC (MiB) | $heap0 | $heap1 |

$sn reviews, $srps reviews/s, p99 $sp99 ms, max $smax ms; $sa allowed, $sd denied, $so other.

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), nproc = $(nproc)
- Reproduce: \`bench/admission.sh [seconds per row] [soak minutes]\` (defaults 15 and 10).
<!-- bench:admission:end -->
MD
)
python3 - "$here/BENCHMARKS.md" "$table" <<'PY'
import re, sys
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
if '<!-- bench:admission:start -->' in text:
    text = re.sub(r'<!-- bench:admission:start -->.*?<!-- bench:admission:end -->', lambda m: table, text, flags=re.S)
else:
    text = text.rstrip() + '\n\n' + table + '\n'
open(path, 'w').write(text)
PY
echo "$table"
