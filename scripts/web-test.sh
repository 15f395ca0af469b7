#!/usr/bin/env bash
# The browser decoder in headless Chromium: bin/web (make web) serves the
# page, which must decode web/testdata/fixture.pxcz to the pixels the native
# decoder gives (their SHA-256), and show an error for damaged.pxcz rather
# than hang. Each page gets TIMEOUT seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
TIMEOUT=${TIMEOUT:-120}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
	echo "test-web: no chromium (apt-get install chromium, or set CHROMIUM)" >&2
	exit 1
fi

want=$($GO run ./web/decoder web/testdata/fixture.pxcz | cut -d' ' -f1)
addr=$(mktemp)
$GO build -o bin/web-serve ./web/serve
bin/web-serve -addr 127.0.0.1:0 bin/web >"$addr" &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$addr"' EXIT
for _ in $(seq 50); do [ -s "$addr" ] && break; sleep 0.1; done
url=$(head -1 "$addr")

# page FILE prints the status element once the page has settled.
page() {
	timeout "$TIMEOUT" "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--virtual-time-budget=$((TIMEOUT * 1000)) --dump-dom "${url}?file=$1" 2>/dev/null |
		grep -o '<output id="status"[^>]*>[^<]*' || true
}

fail=0
got=$(page fixture.pxcz)
echo "fixture.pxcz: $got"
case "$got" in
*'data-state="done"'*"data-sha256=\"$want\""* | *"data-sha256=\"$want\""*'data-state="done"'*) ;;
*) echo "test-web: FAIL: fixture.pxcz should decode to pixels with sha256 $want" >&2; fail=1 ;;
esac
got=$(page damaged.pxcz)
echo "damaged.pxcz: $got"
case "$got" in
*'data-state="error"'*corrupt*) ;;
*) echo "test-web: FAIL: damaged.pxcz should show a corrupt-file error" >&2; fail=1 ;;
esac
[ $fail = 0 ] && echo "test-web: ok"
exit $fail
