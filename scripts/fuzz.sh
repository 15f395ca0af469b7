#!/usr/bin/env bash
# fuzz.sh PKG TARGET FUZZTIME: go test -fuzz of one target, as make fuzz
# runs each. Go 1.26's fuzzing coordinator can fail a run that found
# nothing with a bare "context deadline exceeded" as -fuzztime ends on a
# loaded machine (go.dev/issue/75804, fixed in Go 1.27): such a run, with
# no failing input written, is run once more; any other failure fails.
# Each new input is minimized for at most FUZZMINTIME (default 5s): Go's
# default of a minute per input left the targets whose inputs are whole
# model files (model/ae FuzzLoad) minimizing instead of fuzzing, at a
# few executions a minute.
set -uo pipefail
pkg=$1 target=$2 fuzztime=$3
go=${GO:-go}
for try in 1 2; do
	log=$(mktemp)
	"$go" test -run XXX -fuzz "^$target\$" -fuzztime "$fuzztime" -fuzzminimizetime "${FUZZMINTIME:-5s}" "$pkg" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ]; then
		rm -f "$log"
		exit 0
	fi
	if [ "$try" -eq 1 ] && grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written\|panic:' "$log"; then
		echo "fuzz.sh: $pkg $target: the Go 1.26 fuzzing deadline race (go.dev/issue/75804), nothing found; once more"
		rm -f "$log"
		continue
	fi
	rm -f "$log"
	exit "$rc"
done
