#!/usr/bin/env bash
# Brings back training checkpoints that have left model/checkpoints. A
# device call carries the whole tree within 64 MiB, data included, so the
# tree keeps only the checkpoints that code or tests name; the others stay
# in the history, and this writes each NAME to DIR/NAME (default runs/)
# from the last commit that held model/checkpoints/NAME (or copies it, if
# the tree still has it).
#
#	scripts/checkpoint.sh [-o DIR] NAME...
set -euo pipefail
dir=runs
if [[ ${1:-} == -o ]]; then
	dir=${2:?usage: scripts/checkpoint.sh [-o DIR] NAME...}
	shift 2
fi
(($#)) || { echo "usage: scripts/checkpoint.sh [-o DIR] NAME..." >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
for name in "$@"; do
	path=model/checkpoints/$name
	if [[ -f $root/$path ]]; then
		cp "$root/$path" "$dir/$name"
		echo "$dir/$name (from the tree)"
		continue
	fi
	# The last commit that touched a path no longer in the tree removed it.
	c=$(git -C "$root" log -1 --format=%H -- "$path")
	if [[ -z $c ]]; then
		echo "checkpoint.sh: no commit ever held $path" >&2
		exit 1
	fi
	git -C "$root" show "$c^:$path" >"$dir/$name.part"
	mv "$dir/$name.part" "$dir/$name"
	echo "$dir/$name (from $(git -C "$root" rev-parse --short "$c^"))"
done
