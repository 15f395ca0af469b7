# pxcz — see README.md. `make test` is what CI runs.
GO      ?= go
BIN     := bin/pxcz
DATA    ?= ../shared/data
# Packages whose output must be bit-identical on every architecture.
EXACT   := ./arith ./model ./codec

.PHONY: build test test-cross demo bench vet fuzz clean

build:
	$(GO) build -o $(BIN) ./cmd/pxcz

vet:
	$(GO) vet ./...

# The whole suite, then the bit-exactness suite built for 386 (run natively)
# and arm64 (run under qemu-aarch64, where Go fuses multiply-adds).
test: vet
	$(GO) test ./...
	$(MAKE) test-cross

test-cross:
	GOARCH=386 $(GO) test -count=1 $(EXACT)
	GOARCH=arm64 $(GO) test -count=1 -exec qemu-aarch64 $(EXACT)

# Compress and decompress a few images with the embedded default model.
demo: build
	./scripts/demo.sh

fuzz:
	$(GO) test -run XXX -fuzz FuzzDecode -fuzztime 60s ./arith
	$(GO) test -run XXX -fuzz FuzzDecode -fuzztime 60s ./codec
	$(GO) test -run XXX -fuzz FuzzReadHeader -fuzztime 60s ./container
	$(GO) test -run XXX -fuzz FuzzLoad -fuzztime 60s ./model

clean:
	rm -rf bin
