#!/usr/bin/env bash
# Time from process start (JVM start included) to U-Boot's "=> " prompt: Debian's U-Boot for QEMU's virt
# (u-boot-qemu) on cachevisor (KVM model, policy kvm-2014 by default) and on qemu-system-aarch64 (TCG),
# alternately, on the same machine in the same run. A key is typed when U-Boot offers to stop its
# autoboot (earlier keys would be flushed when U-Boot enables the PL011's FIFO), the prompt is detected in
# the guest's output, then Ctrl-A X ends the run (both consoles know it).
#
# Usage: bench/uboot-time.sh [RUNS] [POLICY]        (defaults: 11, kvm-2014; QEMU varies by 20% from run to run)
# UBOOT_KEY says when the key is typed, the same for both programs:
#   countdown (default): when U-Boot prints "Hit any key to stop autoboot:", as a person would. U-Boot polls
#     for it once per udelay(10000): 10 ms of real time for QEMU, 10 M instructions for cachevisor (its
#     counter runs on virtual time, one nanosecond per instruction), so this includes that wait;
#   typeahead: as soon as U-Boot prints "Net:", after its console is up (its serial driver empties the UART
#     when it starts, so a key typed before that is lost): U-Boot finds the key waiting at its first poll,
#     and the figure is the boot alone, without the autoboot wait.
# cachevisor runs through its launcher (./cachevisor, with the JVM options a user gets);
# CACHEVISOR_RUN_OPTS adds options to cachevisor run (e.g. --no-oracle: the cost of the oracle) and
# CACHEVISOR_JAVA_OPTS options to the JVM.
# Prints one line per run and the medians; exit 1 if a run did not reach the prompt.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-11}"
policy="${2:-kvm-2014}"
case "${UBOOT_KEY:-countdown}" in
  countdown) key_after="stop autoboot:" ;;
  typeahead) key_after="Net:" ;;
  *) echo "uboot-time: UBOOT_KEY must be countdown or typeahead, got '${UBOOT_KEY}'" >&2; exit 2 ;;
esac
uboot=/usr/lib/u-boot/qemu_arm64/u-boot.bin
[ -f "$uboot" ] || { echo "uboot-time: $uboot not found (apt-get install u-boot-qemu)" >&2; exit 2; }
command -v qemu-system-aarch64 >/dev/null || { echo "uboot-time: qemu-system-aarch64 not found (apt-get install qemu-system-arm)" >&2; exit 2; }
./cachevisor --version >/dev/null # builds the jar first if a source changed (not timed)

# time_to_prompt CMD...: prints the milliseconds from start until "=> " appeared, or "FAIL".
time_to_prompt() {
  local start end buf="" c found=0
  start=$(date +%s%N)
  coproc GUEST { timeout 600 "$@" 2>/dev/null; }
  local in_fd=${GUEST[1]} out_fd=${GUEST[0]} pid=$GUEST_PID
  local keyed=0
  while IFS= read -r -n1 -d '' c <&"$out_fd"; do
    buf+="$c"
    (( ${#buf} > 32 )) && buf="${buf: -32}" # the last 32 characters: both patterns fit, and matching stays O(1)
    if [ "$keyed" = 0 ] && [[ "$buf" == *"$key_after"* ]]; then printf ' ' >&"$in_fd"; keyed=1; fi
    if [[ "$buf" == *$'\n=> ' ]]; then found=1; break; fi
  done
  end=$(date +%s%N)
  printf '\001x' >&"$in_fd" 2>/dev/null || true
  exec {in_fd}>&- || true
  { cat <&"$out_fd"; } >/dev/null 2>&1 || true
  wait "$pid" 2>/dev/null || true
  if [ "$found" = 1 ]; then echo $(( (end - start) / 1000000 )); else echo FAIL; fi
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

cv=(); qe=()
for i in $(seq 1 "$runs"); do
  t_cv=$(time_to_prompt ./cachevisor run --bios "$uboot" -m 512M --policy "$policy" ${CACHEVISOR_RUN_OPTS:-})
  t_qe=$(time_to_prompt qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512M -nographic -bios "$uboot")
  echo "run $i: cachevisor ($policy) ${t_cv} ms, qemu ${t_qe} ms"
  if [ "$t_cv" = FAIL ] || [ "$t_qe" = FAIL ]; then echo "uboot-time: a run did not reach the prompt" >&2; exit 1; fi
  cv+=("$t_cv"); qe+=("$t_qe")
done
m_cv=$(printf '%s\n' "${cv[@]}" | median)
m_qe=$(printf '%s\n' "${qe[@]}" | median)
echo "median time to prompt (key: ${UBOOT_KEY:-countdown}): cachevisor ($policy) ${m_cv} ms, qemu ${m_qe} ms, ratio $(awk -v a="$m_cv" -v b="$m_qe" 'BEGIN {printf "%.2f", a / b}')"
