#!/usr/bin/env bash
# Many-files benchmark: a signed model plus N unsigned empty files, verified under a given heap,
# as the injected volume verifier would meet a hostile directory. Prints one table row per run:
#   bench/many-files.sh [FILES] [HEAP]...     e.g. bench/many-files.sh 300000 64m 128m
# Models are generated once under bench/work/ and reused. Results go to BENCHMARKS.md by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
modelgate="$root/modelgate"
n="${1:-300000}"; shift || true
heaps=("$@"); [ ${#heaps[@]} -gt 0 ] || heaps=(128m)
work="$root/bench/work/many-files-$n"
for tool in openssl /usr/bin/time xargs seq; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }; done
if [ ! -f "$work/model/model.sig" ]; then
  rm -rf "$work"; mkdir -p "$work/model"
  echo '{"layers": 2}' > "$work/model/config.json"
  openssl ecparam -name prime256v1 -genkey -noout -out "$work/signer.key"
  openssl ec -in "$work/signer.key" -pubout -out "$work/signer.pub" 2>/dev/null
  "$modelgate" sign "$work/model" --private-key "$work/signer.key" >/dev/null
  mkdir -p "$work/model/stray"
  for d in $(seq 0 $(( (n - 1) / 1000 ))); do
    mkdir -p "$work/model/stray/d$d"
    (cd "$work/model/stray/d$d" && seq -f "f%06g.txt" 1 1000 | xargs touch)
  done
fi
echo "| Unsigned files | Heap (-Xmx) | Exit | Wall time (s) | Max RSS (MiB) | Last line |"
echo "|---:|---:|---:|---:|---:|---|"
for heap in "${heaps[@]}"; do
  set +e
  out=$(MODELGATE_JAVA_OPTS="-Xmx$heap" /usr/bin/time -f "TIME %e %M" "$modelgate" verify "$work/model" --public-key "$work/signer.pub" 2>&1)
  code=$?
  set -e
  t=$(echo "$out" | awk '/^TIME /{print $2}'); rss=$(echo "$out" | awk '/^TIME /{printf "%d", $3/1024}')
  last=$(echo "$out" | grep -v '^TIME \|^Command exited' | tail -1 | cut -c1-90)
  echo "| $(( ( (n - 1) / 1000 + 1) * 1000 )) | $heap | $code | $t | $rss | \`$last\` |"
done
