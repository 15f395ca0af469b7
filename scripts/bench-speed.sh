#!/usr/bin/env bash
# Speed of pxcz beside cjxl and cwebp on the same images (make bench-speed):
# wall-clock times on a 768x512 photograph, the codec package's Go
# benchmarks, and speeds on the first 200 CIFAR-10 test images. Peers that
# are not installed are left out. Uses the data folder ($DATA, default
# ../shared/data); PXCZ_MODEL=FILE measures other weights than the default.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=bin/pxcz
data=${DATA:-../shared/data}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
model=()
if [ -n "${PXCZ_MODEL:-}" ]; then
	model=(--model "$PXCZ_MODEL")
	export PXCZ_BENCH_MODEL=$PXCZ_MODEL
fi

echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); load average $(cut -d' ' -f1-3 /proc/loadavg)"

# wall runs a command quietly and prints its wall-clock seconds.
wall() {
	local t0=$EPOCHREALTIME
	"$@" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; return 1; }
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'
}
has() { command -v "$1" >/dev/null; }
row() { printf '%-34s %9s %9s %10s\n' "$@"; }

photo=$data/photos/skimage/motorcycle_left.png
if [ -f "$photo" ]; then
	echo
	echo "768x512 photograph: skimage motorcycle_left (741x500) mirrored out to"
	echo "768x512, the Kodak size (the Kodak set is not in the data folder)."
	go run ./scripts/speedimg "$photo" "$out/photo.png"
	row "codec" "encode s" "decode s" "bytes"
	for j in 0 1; do
		name="pxcz, $( [ $j = 0 ] && echo "all $(nproc) cores" || echo "1 thread")"
		e=$(wall $bin compress "${model[@]}" -j $j -f -o "$out/p.pxcz" "$out/photo.png")
		d=$(wall $bin decompress "${model[@]}" -j $j -f -o "$out/p.png" "$out/p.pxcz")
		row "$name" "$e" "$d" "$(stat -c %s "$out/p.pxcz")"
	done
	$bin info "$out/p.pxcz" | grep -E '^(model|substreams)' | cut -c1-90
	if has cjxl && has djxl; then
		for e in 9 7; do
			enc=$(wall cjxl -d 0 -e $e "$out/photo.png" "$out/p.jxl")
			dec=$(wall djxl "$out/p.jxl" "$out/p.ppm")
			row "cjxl -d 0 -e $e / djxl" "$enc" "$dec" "$(stat -c %s "$out/p.jxl")"
		done
	fi
	if has cwebp && has dwebp; then
		enc=$(wall cwebp -lossless -z 9 -exact "$out/photo.png" -o "$out/p.webp")
		dec=$(wall dwebp "$out/p.webp" -ppm -o "$out/p.ppm")
		row "cwebp -lossless -z 9 -exact / dwebp" "$enc" "$dec" "$(stat -c %s "$out/p.webp")"
	fi
	echo "(pxcz decompress writes PNG, djxl and dwebp PPM; every peer uses its own default threads)"
else
	echo "no $photo: skipping the 768x512 photograph"
fi

echo
echo "Go benchmarks (codec package, synthetic images; DecodeMany32: one 32x32 image per core):"
go test ./codec -run XXX -bench '(Encode|Decode)/768x512' -benchtime 1x | grep ^Benchmark
go test ./codec -run XXX -bench '(Encode|Decode)/32x32' -benchtime 2s | grep ^Benchmark
go test ./codec -run XXX -bench 'DecodeMany32' -benchtime 2s | grep ^Benchmark

cifar=$data/cifar-10-binary.tar.gz
if [ -f "$cifar" ]; then
	echo
	peers=webp,jxl9
	$bin bench -q "${model[@]}" --limit 200 --against "$peers" "$cifar" | sed '/^$/,$d'
	echo "(megapixels per second on one thread per image, $(nproc) images at a time)"
else
	echo "no $cifar: skipping CIFAR-10"
fi
