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
# Lossy: the first image at two qualities, when a lossy model is built in.
if $bin version | grep -q "built-in lossy models"; then
	img=${imgs[0]}
	name=$(basename "$img" .png)
	for q in 25 90; do
		echo "$img, --lossy --quality $q:"
		$bin compress -f --lossy --quality "$q" -o "$out/$name-q$q.pxcz" "$img"
		$bin decompress -f -o "$out/$name-q$q.png" "$out/$name-q$q.pxcz"
		printf '  pxcz: %d bytes\n' "$(stat -c %s "$out/$name-q$q.pxcz")"
	done
fi
