#!/usr/bin/env bash
# Equal-time comparison of training recipes (issue 18): trains each
# configuration for the same wall time, one after the other so that each has
# the cores to itself, and prints their test NLL on the first 512 CIFAR-10
# test images as a markdown table, with the commands that ran.
#
#   scripts/compare.sh [-d DURATION] [-p PROBE] [-o DIR] [-f COMMON_FLAGS] 'NAME|FLAGS' ...
#
# -d  wall time of each run (Go duration: 40m, 90s, 1h; default 40m)
# -p  probe time (default 60s): each configuration first trains this long to
#     measure its steps per second, so that its cosine schedule (--steps) ends
#     with its time; 0 skips the probe and keeps the rate constant after the
#     warm-up
# -o  folder for the logs, checkpoints and results (default runs/compare)
# -f  flags given to every run, before its own: the model's shape, the
#     learning rate, or --init CKPT to start every run from the same weights
#     (with --mix, a free-logit checkpoint's trunk gets a fresh mixture head)
#
# NAME|FLAGS is a run's name (a file name) and its own `pxcz train` flags, e.g.
#
#   scripts/compare.sh -d 40m -f '--features 48 --layers 5 --hidden 96 --lr 1e-3' \
#       'logits|' 'mix5|--mix 5' 'mix10|--mix 10' 'mix10-ema|--mix 10 --ema 0.9995'
#
# A run whose result file exists in DIR is not run again, so an interrupted
# comparison continues with the runs it had not finished. With --ema the
# table's average column is the moving average's NLL (what export uses).
set -euo pipefail
cd "$(dirname "$0")/.."

dur=40m probe=60s dir=runs/compare common=""
while getopts "d:p:o:f:" opt; do
	case $opt in
	d) dur=$OPTARG ;;
	p) probe=$OPTARG ;;
	o) dir=$OPTARG ;;
	f) common=$OPTARG ;;
	*) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
	echo "compare.sh: no configurations given (NAME|FLAGS ...)" >&2
	exit 2
fi

# seconds converts a Go duration made of h, m and s parts to seconds.
seconds() {
	local d=$1 total=0 n unit
	[ "$d" = 0 ] && { echo 0; return; }
	while [[ $d =~ ^([0-9]+)([hms])(.*)$ ]]; do
		n=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]} d=${BASH_REMATCH[3]}
		case $unit in h) n=$((n * 3600)) ;; m) n=$((n * 60)) ;; esac
		total=$((total + n))
	done
	if [ -n "$d" ] || [ "$total" -eq 0 ]; then
		echo "compare.sh: duration $1 is not like 40m, 90s or 1h30m" >&2
		exit 2
	fi
	echo "$total"
}
durs=$(seconds "$dur")
probes=$(seconds "$probe")

# laststep prints the step of a training log's last progress line.
laststep() { grep '^step ' "$1" | tail -1 | sed 's/^step \([0-9]*\).*/\1/'; }
# lastbpd prints the number before " bpd" after a label on the last progress line.
lastbpd() { grep '^step ' "$1" | tail -1 | sed -n "s/.*  $2 \([0-9.-]*\) bpd.*/\1/p"; }

mkdir -p "$dir"
make -s build
bin=bin/pxcz
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); each run $dur, probe $probe" >&2

for spec in "$@"; do
	name=${spec%%|*} flags=${spec#*|}
	[ "$name" = "$spec" ] && flags=""
	if [ -z "$name" ] || [[ $name == */* ]]; then
		echo "compare.sh: bad run name in '$spec'" >&2
		exit 2
	fi
	if [ -e "$dir/$name.result" ]; then
		echo "$name: done already ($dir/$name.result)" >&2
		continue
	fi
	steps=()
	if [ "$probes" -gt 0 ]; then
		rm -f "$dir/$name.probe.ckpt"
		# shellcheck disable=SC2086 # flags are words
		$bin train $common $flags --duration "$probe" --eval-every 0 --every 0 \
			-c "$dir/$name.probe.ckpt" 2>"$dir/$name.probe.log"
		n=$(laststep "$dir/$name.probe.log")
		rm -f "$dir/$name.probe.ckpt"
		steps=(--steps $((n * durs / probes)))
		echo "$name: $n steps in the $probe probe; cosine over ${steps[1]} steps" >&2
	fi
	rm -f "$dir/$name.ckpt"
	# shellcheck disable=SC2086
	cmd="$bin train $common $flags ${steps[*]} --duration $dur -c $dir/$name.ckpt"
	echo "$name: $cmd" >&2
	# shellcheck disable=SC2086
	$bin train $common $flags "${steps[@]}" --duration "$dur" -c "$dir/$name.ckpt" 2>"$dir/$name.log"
	n=$(laststep "$dir/$name.log")
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$n" "$(awk -v n="$n" -v s="$durs" 'BEGIN { printf "%.2f", n / s }')" \
		"$(lastbpd "$dir/$name.log" test)" "$(avg=$(lastbpd "$dir/$name.log" average); echo "${avg:--}")" "$cmd" >"$dir/$name.result"
	echo "$name: step $n, test $(lastbpd "$dir/$name.log" test) bpd" >&2
done

echo "| run | steps | steps/s | test NLL, 512 images (bits/dim) | moving average's NLL |"
echo "| --- | ---: | ---: | ---: | ---: |"
for spec in "$@"; do
	IFS=$'\t' read -r name n rate test avg _ <"$dir/${spec%%|*}.result"
	echo "| $name | $n | $rate | $test | $avg |"
done
echo
echo '```sh'
for spec in "$@"; do
	cut -f6 "$dir/${spec%%|*}.result"
done
echo '```'
