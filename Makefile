# pxcz — see README.md. `make test` is what CI runs.
GO      ?= go
BIN     := bin/pxcz
DATA    ?= ../shared/data
# Packages whose output must be bit-identical on every architecture, and
# the tests of model/ae's integer synthesis (its float training tests are
# slow under qemu and need not match bit for bit).
EXACT   := ./arith ./model ./model/sample ./codec
AEXACT  := -run 'Synthesizer|Lossy' ./model/ae

.PHONY: build test test-cross demo bench vet fuzz clean web web-serve test-web

build:
	$(GO) build -o $(BIN) ./cmd/pxcz

vet:
	$(GO) vet ./...

# The whole suite, then the bit-exactness suite (-short: the golden and
# path-against-path comparisons, without the slow round trips and bounds
# that the whole suite runs once) without assembly, built for 386 (run
# natively, where the kernel runs 32-bit x86 programs: scripts/runs386)
# and arm64 (run under qemu-aarch64, where Go fuses multiply-adds).
test: vet
	$(GO) test ./...
	$(MAKE) test-cross

test-cross:
	$(GO) test -count=1 -short -timeout 30m -tags noasm $(EXACT)
	$(GO) test -count=1 -short -tags noasm $(AEXACT)
	@if GO=$(GO) scripts/runs386; then GOARCH=386 $(GO) test -count=1 -short -timeout 30m $(EXACT) && GOARCH=386 $(GO) test -count=1 -short $(AEXACT); \
	else echo "test-cross: skipping the 386 suite: this kernel does not run 32-bit x86 programs"; fi
	GOARCH=arm64 $(GO) test -count=1 -short -timeout 30m -exec qemu-aarch64 $(EXACT)
	GOARCH=arm64 $(GO) test -count=1 -short -exec qemu-aarch64 $(AEXACT)

# The browser decoder: the page in web/ with the decoder built for
# WebAssembly, in bin/web; web-serve serves it on WEB_ADDR (127.0.0.1 only),
# test-web drives it in headless Chromium (scripts/web-test.sh).
WEB_ADDR ?= 127.0.0.1:8080
web:
	mkdir -p bin/web
	GOOS=js GOARCH=wasm $(GO) build -o bin/web/decoder.wasm ./web/decoder
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" web/index.html web/app.js web/testdata/*.pxcz bin/web/

web-serve: web
	$(GO) run ./web/serve -addr $(WEB_ADDR) bin/web

test-web: web
	GO=$(GO) scripts/web-test.sh

# Compress and decompress a few images with the built-in models.
demo: build
	./scripts/demo.sh

# Bits per sub-pixel and speed of pxcz and every installed peer codec on the
# photographs and the first BENCH_LIMIT CIFAR-10 test images (bench-all: all
# 5,000), as the table and plot README shows. Per-image results are cached in
# BENCH_CACHE, so a stopped run resumes and the JSON copy costs nothing.
BENCH_OUT   ?= bench
BENCH_LIMIT ?= 1000
BENCH_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/pxcz/bench
BENCH_SETS   = $(DATA)/photos/mcmaster $(DATA)/photos/skimage $(DATA)/cifar-10-binary.tar.gz
BENCH_RUN    = ./$(BIN) bench --cache $(BENCH_CACHE) --limit $(BENCH_LIMIT) $(BENCH_FLAGS)

.PHONY: bench-all bench-speed
bench: build
	mkdir -p $(BENCH_OUT)
	$(BENCH_RUN) --format markdown -o $(BENCH_OUT)/results.md --plot $(BENCH_OUT)/plot.svg $(BENCH_SETS)
	$(BENCH_RUN) -q --format json -o $(BENCH_OUT)/results.json $(BENCH_SETS)

bench-all:
	$(MAKE) bench BENCH_LIMIT=0

# Wall-clock speed of pxcz beside cjxl and cwebp on a 768x512 photograph,
# the codec benchmarks (32x32 and 768x512, pixels and images per second),
# and 200 CIFAR-10 images. PXCZ_MODEL=FILE times other weights.
bench-speed: build
	DATA=$(DATA) ./scripts/bench-speed.sh

# Every fuzz target for FUZZTIME each (go test -fuzz takes one target at a
# time), starting from the seeds committed under each package's
# testdata/fuzz/<Target>/ (which plain go test also runs) and from what
# earlier runs found, which go keeps in its cache; fuzz-keep copies those
# finds into testdata/fuzz so that they are committed and every later run,
# here or elsewhere, starts from them. fuzz-seeds rewrites the generated
# seeds (real files of every layout and format version, damaged copies,
# odd PNGs, PngSuite). CI runs fuzz with FUZZTIME=2s. scripts/fuzz.sh runs
# each target, once more after Go 1.26's spurious deadline failure.
FUZZTIME ?= 60s
FUZZ := ./arith:FuzzDecode ./arith:FuzzRoundTrip ./codec:FuzzDecode ./container:FuzzReadHeader \
	./model:FuzzLoad ./model:FuzzDotRows ./model:FuzzDotCols ./model:FuzzFreqTable \
	./model/train:FuzzReadCheckpoint ./model/ae:FuzzLoad ./model/ae:FuzzReadCheckpoint ./corpus:FuzzReadCIFAR \
	./cmd/pxcz:FuzzDecompress ./cmd/pxcz:FuzzReadImage ./cmd/pxcz/internal/bench:FuzzReadPNM \
	./pngmeta:FuzzRead ./pngmeta:FuzzReadJPEG ./pngmeta:FuzzUnmarshal
FUZZCACHE = $(shell $(GO) env GOCACHE)/fuzz/$(shell $(GO) list -m)

.PHONY: fuzz-keep fuzz-seeds
fuzz:
	@for t in $(FUZZ); do \
		echo "fuzz $$t"; \
		GO="$(GO)" scripts/fuzz.sh "$${t%%:*}" "$${t#*:}" $(FUZZTIME) || exit 1; \
	done

fuzz-keep:
	@for t in $(FUZZ); do \
		pkg=$${t%%:*}; pkg=$${pkg#./}; name=$${t#*:}; \
		src="$(FUZZCACHE)/$$pkg/$$name"; dst="$$pkg/testdata/fuzz/$$name"; \
		[ -d "$$src" ] || continue; mkdir -p "$$dst"; \
		n=0; for f in "$$src"/*; do [ -e "$$dst/$${f##*/}" ] || { cp "$$f" "$$dst/"; n=$$((n+1)); }; done; \
		echo "$$t: kept $$n new entries"; \
	done

fuzz-seeds:
	$(GO) run ./internal/fuzzseeds

# Every PNG under VERIFY_DIR read as compress reads it, coded with the
# built-in models at VERIFY_EFFORT and decoded back, pixel for pixel, one
# file and one thread at a time; prints the counts of files coded and
# refused (with the reasons). Long: not part of make test.
VERIFY_DIR    ?= $(DATA)
VERIFY_EFFORT ?= 1
.PHONY: verify
verify:
	$(GO) test -count=1 -timeout 0 -run '^TestVerify$$' -v ./cmd/pxcz -args -verify $(abspath $(VERIFY_DIR)) -verify-effort $(VERIFY_EFFORT)

clean:
	rm -rf bin
