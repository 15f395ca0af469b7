#!/usr/bin/env bash
# Compress and decompress a few images with the built-in models and
# show what it cost. Uses ../shared/data when present, else a rendered image.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=bin/pxcz
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
data=${DATA:-../shared/data}
imgs=()
if [ -d "$data/photos/skimage" ]; then
	imgs=("$data/photos/skimage/coins.png" "$data/photos/skimage/chelsea.png")
else
	echo "($data not found: using a rendered test image)"
	imgs=(codec/testdata/rendered.png)
fi
for img in "${imgs[@]}"; do
	name=$(basename "$img" .png)
	echo "$img:"
	TIMEFORMAT="  compress   %Rs"
	time $bin compress -f -o "$out/$name.pxcz" "$img"
	TIMEFORMAT="  decompress %Rs"
	time $bin decompress -f -o "$out/$name.png" "$out/$name.pxcz"
	$bin info "$out/$name.pxcz"
	printf '  PNG input: %d bytes, pxcz: %d bytes\n' "$(stat -c %s "$img")" "$(stat -c %s "$out/$name.pxcz")"
done
