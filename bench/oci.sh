#!/usr/bin/env bash
# Cold admission latency for a pod whose image-volume model (100 raw layers) lives in a local
# registry, next to hashing the same files locally. Usage: bench/oci.sh [GiB] [runs]
# Needs Debian's docker-registry and openssl. Writes the "OCI" section of BENCHMARKS.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
gib="${1:-2}"
runs="${2:-30}"
work="$here/bench/work-oci"
model="$work/model-${gib}g"
mkdir -p "$work"
command -v docker-registry >/dev/null || { echo "bench/oci.sh: apt-get install docker-registry" >&2; exit 2; }

if [ ! -f "$model/.complete" ]; then
  rm -rf "$model"; mkdir -p "$model"
  per=$(( gib * 1024 / 100 ))
  echo "generating $gib GiB in 100 files of $per MiB..." >&2
  for i in $(seq -w 0 99); do head -c "$((per * 1024 * 1024))" /dev/urandom > "$model/shard-$i.safetensors"; done
  printf '{"layers": 100}\n' > "$model/config.json"
  touch "$model/.complete"
fi
printf '.complete\n' > /dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/k.pem" 2>/dev/null
openssl pkey -in "$work/k.pem" -pubout -out "$work/k.pub"
"$here/modelgate" sign "$model" --private-key "$work/k.pem" --ignore-paths "$model/.complete" 2>/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
wport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rm -rf "$work/registry"; mkdir -p "$work/registry"
cat > "$work/registry.yml" <<CFG
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
CFG
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
reg=$!
server=""
trap 'kill $reg ${server:-} 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done

# The marker file is not part of the model: move it aside while pushing.
mv "$model/.complete" "$work/.complete.$gib"
t0=$(date +%s.%N)
"$here/modelgate" push "$model" "oci://127.0.0.1:$port/bench/model:v1" 2>/dev/null
t1=$(date +%s.%N)
mv "$work/.complete.$gib" "$model/.complete"
push_s=$(echo "$t1 - $t0" | bc -l)

mkdir -p "$work/policies"
{
  echo "apiVersion: modelgate.dev/v1alpha1"
  echo "kind: ClusterModelPolicy"
  echo "metadata: {name: bench}"
  echo "spec:"
  echo "  match: {models: [\"oci://127.0.0.1:$port/**\"]}"
  echo "  authorities:"
  echo "    - name: bench-key"
  echo "      key:"
  echo "        publicKey: |"
  sed 's/^/          /' "$work/k.pub"
} > "$work/policies/bench.yaml"
"$here/modelgate" serve --policies "$work/policies" --port "$wport" --no-cache > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -skf "https://127.0.0.1:$wport/q/health/ready" >/dev/null && break; sleep 0.2; done
review() {
  cat <<JSON
{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"bench-$1","kind":{"group":"","version":"v1","kind":"Pod"},
 "namespace":"ml","operation":"CREATE","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ml"},
 "spec":{"containers":[{"name":"s","image":"server"}],"volumes":[{"name":"weights","image":{"reference":"127.0.0.1:$port/bench/model:v1"}}]}}}}
JSON
}
review warm | curl -sk -H 'Content-Type: application/json' --data-binary @- "https://127.0.0.1:$wport/validate" | grep -q '"allowed":true' \
  || { echo "bench/oci.sh: the webhook did not admit the signed model" >&2; cat "$work/serve.log" >&2; exit 1; }
# Sends $runs AdmissionReviews and prints "p50 p95" of their wall times (seconds).
measure() {
  local out="$work/latencies-$1"
  : > "$out"
  for i in $(seq "$runs"); do
    review "$1-$i" | curl -sk -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' --data-binary @- "https://127.0.0.1:$wport/validate" >> "$out"
  done
  sort -n "$out" | awk '{a[NR]=$1} END {i=int(NR*0.95+0.999); if(i>NR)i=NR; print a[int((NR+1)*0.5)], a[i]}'
}
read -r p50 p95 < <(measure cold)
kill "$server"; wait "$server" 2>/dev/null || true
# The same requests with the verification cache on (the default): the first fills it.
"$here/modelgate" serve --policies "$work/policies" --port "$wport" > "$work/serve-cached.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -skf "https://127.0.0.1:$wport/q/health/ready" >/dev/null && break; sleep 0.2; done
read -r c50 c95 < <(measure cached)

cat "$model"/* > /dev/null
: > "$work/local"
for _ in 1 2 3; do
  s=$(date +%s.%N)
  "$here/modelgate" verify "$model" --public-key "$work/k.pub" --ignore-paths "$model/.complete" 2>/dev/null
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l >> "$work/local"
done
local_s=$(sort -n "$work/local" | sed -n 2p)
size=$(du -sb "$model" | cut -f1)

table=$(cat <<MD
<!-- bench:oci:start -->
## OCI: admission latency for a model in a registry (no weights downloaded)

A pod whose image volume names a ModelPack artifact of 100 raw layers plus config.json
($(( size / 1024 / 1024 )) MiB), pushed with \`modelgate push\` to Debian's docker-registry 2.8.2 on
loopback (no referrers API, so the \`sha256-<digest>\` tag fallback is used). Each request is a
new AdmissionReview to \`modelgate serve\` over HTTPS. Cold: \`serve --no-cache\`, so each request
resolves the tag, fetches the manifest, the referrers index, the referrer and the bundle, and
checks the signature and the 101 layer digests. Cached (the default): after the first request,
the tag's digest (30 s) and the verified result are reused, so a review makes no registry
request at all (bench/admission.sh measures this under load).

| What | Time |
|---|---:|
| webhook /validate, cold, p50 over $runs requests | $(printf '%.0f' "$(echo "$p50 * 1000" | bc -l)") ms |
| webhook /validate, cold, p95 over $runs requests | $(printf '%.0f' "$(echo "$p95 * 1000" | bc -l)") ms |
| webhook /validate with the verification cache, p50 | $(printf '%.0f' "$(echo "$c50 * 1000" | bc -l)") ms |
| webhook /validate with the verification cache, p95 | $(printf '%.0f' "$(echo "$c95 * 1000" | bc -l)") ms |
| \`modelgate verify\` of the same directory (hashes every byte, warm cache, median of 3, JVM start included) | $(printf '%.2f' "$local_s") s |
| \`modelgate push\` of the model (once) | $(printf '%.1f' "$push_s") s |

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), nproc = $(nproc)
- Reproduce: \`bench/oci.sh [GiB] [runs]\` (default 2 GiB, 30 requests; needs docker-registry and openssl).
<!-- bench:oci:end -->
MD
)
touch "$here/BENCHMARKS.md"
python3 - "$here/BENCHMARKS.md" "$table" <<'PY'
import re, sys
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
if '<!-- bench:oci:start -->' in text:
    text = re.sub(r'<!-- bench:oci:start -->.*?<!-- bench:oci:end -->', lambda m: table, text, flags=re.S)
else:
    text = text.rstrip() + '\n\n' + table + '\n'
open(path, 'w').write(text)
PY
echo "$table"
