#!/usr/bin/env bash
# U-Boot (Debian's u-boot-qemu) on cachevisor under each policy, with and without the seeded adversary:
# one Markdown table row per setup, from the run's summary (docs/scenarios.md, section "U-Boot").
# A key stops the autoboot when U-Boot offers it; Ctrl-A X ends the run at the first prompt, so the
# counts are those of the boot to the prompt. A run that does not get there stops at BUDGET instructions.
#
# Usage: bench/uboot-matrix.sh [BUDGET] [SEED]      (defaults: 60000000, 1)
set -euo pipefail
cd "$(dirname "$0")/.."
budget="${1:-60000000}"
seed="${2:-1}"
uboot=/usr/lib/u-boot/qemu_arm64/u-boot.bin
[ -f "$uboot" ] || { echo "uboot-matrix: $uboot not found (apt-get install u-boot-qemu)" >&2; exit 2; }
./cachevisor --version >/dev/null # builds the jar first if a source changed

# row LABEL ARGS...: runs cachevisor, prints a table row
row() {
  local label="$1"; shift
  local summary; summary=$(mktemp)
  local buf="" c keyed=0 prompt=no
  coproc GUEST { timeout 900 ./cachevisor run --bios "$uboot" -m 512M --max-insns "$budget" "$@" 2>"$summary"; }
  local in_fd=${GUEST[1]} out_fd=${GUEST[0]} pid=$GUEST_PID
  while IFS= read -r -n1 -d '' c <&"$out_fd"; do
    buf+="$c"
    if [ "$keyed" = 0 ] && [[ "$buf" == *"stop autoboot:"* ]]; then printf ' ' >&"$in_fd"; keyed=1; fi
    if [[ "$buf" == *$'\n=> ' ]]; then prompt=yes; printf '\001x' >&"$in_fd"; break; fi
  done
  { cat <&"$out_fd"; } >/dev/null 2>&1 || true
  wait "$pid" 2>/dev/null || true
  local why insns traps s2 cmos cycles stale last
  why=$(head -1 "$summary" | sed 's/^cachevisor run: //')
  insns=$(sed -n 's/^  instructions *\([0-9]*\) retired.*/\1/p' "$summary")
  traps=$(sed -n 's/^  traps *//p' "$summary")
  s2=$(sed -n 's/^  stage-2 faults *//p' "$summary")
  cmos=$(sed -n 's/^  CMOs *//p' "$summary")
  cycles=$(sed -n 's/^  cycles (est.) *//p' "$summary")
  stale=$(sed -n 's/^  stale reads *//p' "$summary")
  last=$(printf '%s' "$buf" | tr -d '\r' | grep -v '^$' | tail -1 | cut -c1-60)
  echo "| $label | $prompt | $stale | ${traps:-none} | ${s2:-n/a} | ${cmos:-n/a} | ${cycles:-n/a} | $insns | $why; last output: \`$last\` |"
  rm -f "$summary"
}

echo "| setup | prompt | stale reads | traps | stage-2 faults | CMOs (ops/lines) | cycles (est.) | instructions | how the run ended |"
echo "|---|---|---|---|---|---|---|---|---|"
row "bare" --bare
for p in none dc-bit at-par kvm-2014 kvm-2015 kvm-2017 fwb; do row "$p" --policy "$p"; done
row "bare, adversary seed $seed" --bare --adversary-seed "$seed"
for p in none dc-bit at-par kvm-2014 kvm-2015 kvm-2017 fwb; do row "$p, adversary seed $seed" --policy "$p" --adversary-seed "$seed"; done
