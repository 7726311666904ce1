#!/usr/bin/env bash
# Hashing benchmark: `modelgate digest` against parallel openssl / sha256sum on the same files.
#
# Usage: bench/hash.sh [GiB] [WORKDIR]
#   GiB      total synthetic model size (default 3; use 1 for a quick run; decimals allowed)
#   WORKDIR  where the synthetic model lives (default bench/work/, git-ignored)
# Environment: REPS (default 3, median reported), BENCH_NO_WRITE=1 to skip updating BENCHMARKS.md.
#
# Numbers are warm-cache: the model is read once untimed before measuring, so every method hashes
# from the page cache and the comparison is about CPU-bound hashing, not disk speed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
gib="${1:-3}"
work="${2:-$here/work}"
reps="${REPS:-3}"
cpus="$(nproc)"
modelgate="$root/modelgate"

if ! [[ "$gib" =~ ^[0-9]+([.][0-9]+)?$ ]] || awk -v g="$gib" 'BEGIN { exit !(g <= 0) }'; then
  echo "usage: bench/hash.sh [GiB] [WORKDIR]  (GiB must be a positive number, got '$gib')" >&2
  exit 2
fi
if [ -z "${EPOCHREALTIME:-}" ]; then echo "bench: needs bash 5 (EPOCHREALTIME)" >&2; exit 2; fi
for tool in openssl sha256sum java xargs awk; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is required" >&2; exit 2; }
done

# ---------------------------------------------------------------- synthetic model
total=$(awk -v g="$gib" 'BEGIN { printf "%.0f", g * 1073741824 }')
n_large=4
n_medium=8
n_small=2000
large_each=$((total * 9 / 10 / n_large)) # 4 large files: ~90% of the bytes
# 2000 small files of 4-64 KiB (deterministic sizes) in nested directories.
small_size() { sz=$(((($1 * 7919) % 61 + 4) * 1024)); } # sets $sz (no subshell: forks are slow)
small_total=0
for ((i = 0; i < n_small; i++)); do small_size "$i"; small_total=$((small_total + sz)); done
medium_each=$(((total - large_each * n_large - small_total) / n_medium)) # the rest: 8 medium files
if ((medium_each <= 0)); then medium_each=0 n_medium=0; fi

params="v1 total=$total large=${n_large}x$large_each medium=${n_medium}x$medium_each small=$n_small/$small_total"
model="$work/model-${gib}g"
mkdir -p "$work"

generate() {
  echo "bench: generating synthetic model in $model ($params)" >&2
  rm -rf "$model" "$model.params"
  mkdir -p "$model"
  # Large and medium files: one generator per core (urandom is fast enough; content is irrelevant
  # to SHA-256 speed but should not be compressible or sparse).
  {
    for ((i = 0; i < n_large; i++)); do printf '%s %s\n' "$model/model-0000$((i + 1))-of-0000$n_large.safetensors" "$large_each"; done
    for ((i = 0; i < n_medium; i++)); do printf '%s %s\n' "$model/extra/medium-$i.bin" "$medium_each"; done
  } | {
    mkdir -p "$model/extra"
    xargs -P "$cpus" -L 1 sh -c 'head -c "$2" /dev/urandom > "$1"' sh
  }
  # Small files: slice one random pool so 2000 files cost 2000 dd calls, not 2000 urandom reads.
  local pool="$work/.pool"
  head -c $((64 * 1024 * 1024)) /dev/urandom > "$pool"
  local i d sz off=0
  for ((i = 0; i < n_small; i++)); do
    d="$model/assets/group-$((i % 20))/sub-$((i % 7))"
    [ -d "$d" ] || mkdir -p "$d"
    small_size "$i"
    dd if="$pool" of="$d/file-$i.bin" bs=1024 skip=$((off / 1024)) count=$((sz / 1024)) status=none
    off=$(((off + sz) % (32 * 1024 * 1024)))
  done
  rm -f "$pool"
  echo "$params" > "$model.params"
}

if [ -d "$model" ] && [ -f "$model.params" ] && [ "$(cat "$model.params")" = "$params" ]; then
  echo "bench: reusing $model" >&2
else
  generate
fi

file_count=$(find "$model" -type f | wc -l)
model_bytes=$(find "$model" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')
if find "$model" -type f -name '*[[:space:]]*' | grep -q .; then
  echo "bench: file names with spaces are not supported by the xargs baselines" >&2
  exit 2
fi

# Argument lines for the parallel CLI baselines, fed to `xargs -P $(nproc) -L 1`: every file of
# 1 MiB or more alone on a line (so large files spread over all cores), small files 64 per line
# (so the baselines do not pay one process start per small file). Largest first.
batches="$work/.batches-${gib}g"
find "$model" -type f -printf '%s %p\n' | sort -k1,1nr | awk '
  $1 >= 1048576 { print $2; next }
  { line = line " " $2; if (++n == 64) { print line; line = ""; n = 0 } }
  END { if (n) print line }' > "$batches"

# ---------------------------------------------------------------- build + warm-up
if [ ! -x "$modelgate" ]; then echo "bench: launcher $modelgate not found" >&2; exit 2; fi
"$modelgate" --version >/dev/null # builds the jar if missing or stale, untimed
loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: warm-up (untimed read of all files)..." >&2
find "$model" -type f -print0 | xargs -0 -P "$cpus" cat > /dev/null

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

par_openssl() { xargs -P "$cpus" -L 1 openssl dgst -sha256 < "$batches" | wc -l; }
par_sha256sum() { xargs -P "$cpus" -L 1 sha256sum < "$batches" | wc -l; }
mg_files() { "$modelgate" digest "$model"; }
mg_shards_1g() { "$modelgate" digest "$model" --shard-size 1000000000; }
mg_shards_256m() { "$modelgate" digest "$model" --shard-size 268435456; }
mg_version() { "$modelgate" --version; }

labels=(
  "openssl dgst -sha256, xargs -P $cpus"
  "sha256sum, xargs -P $cpus"
  "modelgate digest (files)"
  "modelgate digest --shard-size 1000000000 (shards)"
  "modelgate digest --shard-size 268435456 (shards)"
  "modelgate --version (JVM start-up only)"
)
cmds=(par_openssl par_sha256sum mg_files mg_shards_1g mg_shards_256m mg_version)

# Sanity: the baselines really hash every file.
[ "$(par_openssl)" -eq "$file_count" ] || { echo "bench: openssl baseline missed files" >&2; exit 1; }
[ "$(par_sha256sum)" -eq "$file_count" ] || { echo "bench: sha256sum baseline missed files" >&2; exit 1; }

# Repetitions are interleaved (round-robin over the methods), so load from other processes on a
# shared machine spreads over all methods instead of hitting one of them.
# Wall time is what the table compares; CPU time (user + sys of the command and all its children,
# from bash's `time`) is reported too because it is much less sensitive to other load.
declare -A times=() cputimes=()
TIMEFORMAT='%3U %3S'
for ((r = 1; r <= reps; r++)); do
  for i in "${!cmds[@]}"; do
    t0=$EPOCHREALTIME
    { time ${cmds[$i]} > "$work/.out" 2> "$work/.err"; } 2> "$work/.time"
    t1=$EPOCHREALTIME
    times[$i]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') "
    cputimes[$i]+="$(awk '{ printf "%.3f", $1 + $2 }' "$work/.time") "
    case "${cmds[$i]}" in
      mg_files) digest_files="$(cat "$work/.out")" ;;
      mg_shards_1g) digest_shards="$(cat "$work/.out")" ;;
    esac
  done
done
secs=() cpus_s=()
for i in "${!cmds[@]}"; do
  echo "bench: ${labels[$i]}: wall ${times[$i]}s, cpu ${cputimes[$i]}s" >&2
  secs+=("$(printf '%s\n' ${times[$i]} | median)")
  cpus_s+=("$(printf '%s\n' ${cputimes[$i]} | median)")
done
startup="${secs[5]}"

case "$digest_files$digest_shards" in
  *sha256:*sha256:*) ;;
  *) echo "bench: modelgate did not print a digest" >&2; exit 1 ;;
esac

# ---------------------------------------------------------------- report
mib=$(awk -v b="$model_bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
base="${secs[0]}"
table="| Method | Median wall time (s) | Throughput (MiB/s) | vs parallel openssl | Median CPU time (s) | CPU vs openssl |
|---|---:|---:|---:|---:|---:|"
for i in 0 1 2 3 4; do
  table+=$'\n'"$(awk -v l="${labels[$i]}" -v s="${secs[$i]}" -v m="$mib" -v b="$base" -v c="${cpus_s[$i]}" -v cb="${cpus_s[0]}" \
    'BEGIN { printf "| %s | %.2f | %.0f | %.2fx | %.2f | %.2fx |", l, s, m / s, b / s, c, cb / c }')"
done
table+=$'\n'"$(awk -v s="$startup" -v c="${cpus_s[5]}" 'BEGIN { printf "| modelgate --version (JVM start-up only, not subtracted above) | %.2f | - | - | %.2f | - |", s, c }')"

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
java_version=$(java -version 2>&1 | head -n 1)
facts="- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- CPU: $cpu_model, nproc = $cpus
- Java: $java_version
- OpenSSL: $(openssl version)
- Model: $mib MiB in $file_count files ($n_large large files of $((large_each / 1048576)) MiB, $n_medium of $((medium_each / 1048576)) MiB, $n_small of 4-64 KiB in nested directories)
- Load average when the run started: $loadavg (the machine may be shared; timings are noisy)
- *vs parallel openssl* is a throughput ratio (openssl wall time / method wall time); *CPU vs openssl* likewise for CPU time (user + sys, children included), which other load on the machine disturbs less
- Repetitions: $reps per method, interleaved round-robin, median reported; warm page cache (one untimed read first), so this is CPU-bound hashing, not disk speed
- Baselines: \`xargs -P $cpus -L 1\` over the files, largest first, files of 1 MiB or more one per process, smaller ones 64 per process"

echo
echo "## Hashing (modelgate digest), warm cache, ${gib} GiB"
echo
echo "$table"
echo
echo "$facts"
echo "- Root digests: files $digest_files, shards(1e9) $digest_shards"

if [ "${BENCH_NO_WRITE:-}" = 1 ]; then exit 0; fi

# ---------------------------------------------------------------- BENCHMARKS.md
section_file="$work/.section.md"
cat > "$section_file" <<EOF
<!-- bench:hash:start -->
## Hashing (modelgate digest)

Warm-cache, CPU-bound SHA-256 over a synthetic model, every method on the same files in the same
run. ModelGate timings are whole command runs and include JVM start-up (its start-up alone is
the last row; nothing is subtracted).

$table

$facts

Reproduce: \`bench/hash.sh [GiB]\` (default 3 GiB; the synthetic model is generated once under
\`bench/work/\` and reused). The script rewrites only this section of BENCHMARKS.md.

### Interpretation

INTERPRETATION_PLACEHOLDER
<!-- bench:hash:end -->
EOF

# The interpretation is hand-written: keep the block between the interpretation markers from the
# existing BENCHMARKS.md, and add an automatic line on whether the 0.8x target was met.
bm="$root/BENCHMARKS.md"
kept="$work/.interpretation.md"
: > "$kept"
if [ -f "$bm" ]; then
  awk '/<!-- bench:hash:interpretation:end -->/ { keep = 0 }
       keep { print }
       /<!-- bench:hash:interpretation:start -->/ { keep = 1 }' "$bm" > "$kept"
fi
[ -s "$kept" ] || echo "(no interpretation written yet)" > "$kept"
verdict=$(awk -v b="$base" -v f="${secs[2]}" -v s1="${secs[3]}" -v s2="${secs[4]}" \
  -v cb="${cpus_s[0]}" -v cf="${cpus_s[2]}" -v c1="${cpus_s[3]}" 'BEGIN {
  rf = b / f; r1 = b / s1; r2 = b / s2
  ok = (rf >= 0.8 && r1 >= 0.8) ? "met" : "NOT met"
  printf "Target (modelgate >= 0.8x parallel openssl throughput, files and 1 GB shards): **%s** in this run by wall time (files %.2fx, shards 1e9 %.2fx, shards 256 MiB %.2fx); by CPU time files %.2fx, shards 1e9 %.2fx.", ok, rf, r1, r2, cb / cf, cb / c1 }')
{
  echo "$verdict"
  echo
  echo "<!-- bench:hash:interpretation:start -->"
  cat "$kept"
  echo "<!-- bench:hash:interpretation:end -->"
} > "$kept.full"
awk -v f="$kept.full" '
  $0 == "INTERPRETATION_PLACEHOLDER" { while ((getline l < f) > 0) print l; next } { print }' \
  "$section_file" > "$section_file.tmp" && mv "$section_file.tmp" "$section_file"

if [ -f "$bm" ] && grep -q '<!-- bench:hash:start -->' "$bm" && grep -q '<!-- bench:hash:end -->' "$bm"; then
  awk -v f="$section_file" '
    /<!-- bench:hash:start -->/ { while ((getline l < f) > 0) print l; skip = 1; next }
    /<!-- bench:hash:end -->/ { skip = 0; next }
    !skip { print }' "$bm" > "$bm.tmp" && mv "$bm.tmp" "$bm"
elif [ -f "$bm" ]; then
  { cat "$bm"; echo; cat "$section_file"; } > "$bm.tmp" && mv "$bm.tmp" "$bm"
else
  { echo "# Benchmarks"; echo; cat "$section_file"; } > "$bm"
fi
echo >&2
echo "bench: updated $bm" >&2
