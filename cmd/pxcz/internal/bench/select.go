package bench

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// goPNGID is what --against calls Go's image/png.
const goPNGID = "png"

// PeerIDs lists the names SelectPeers accepts, in table order.
func PeerIDs() []string {
	ids := []string{goPNGID}
	for _, p := range Peers() {
		ids = append(ids, p.ID)
	}
	return ids
}

// SelectPeers returns the peers named in against, a comma-separated list of
// PeerIDs, or "all", or "none", in table order. Peers whose tools are not
// installed are left out, each with a note saying so; timeout bounds every
// command a peer runs. For a near-lossless benchmark (maxErr > 0) webp is
// cwebp's near-lossless mode (NearLosslessWebP); the other peers stay
// lossless, as references.
func SelectPeers(against string, timeout time.Duration, maxErr int) (peers []Codec, notes []string, err error) {
	want := map[string]bool{}
	for _, id := range strings.Split(against, ",") {
		id = strings.TrimSpace(strings.ToLower(id))
		switch {
		case id == "all":
			for _, id := range PeerIDs() {
				want[id] = true
			}
		case id == "none" || id == "":
		case slices.Contains(PeerIDs(), id):
			want[id] = true
		default:
			return nil, nil, fmt.Errorf("unknown peer %q; peers are %s, all or none", id, strings.Join(PeerIDs(), ", "))
		}
	}
	if want[goPNGID] {
		peers = append(peers, GoPNG())
	}
	for _, p := range Peers() {
		if !want[p.ID] {
			continue
		}
		if note := p.Missing(); note != "" {
			notes = append(notes, note)
			continue
		}
		p.Timeout = timeout
		if p.ID == "webp" && maxErr > 0 {
			nl := NearLosslessWebP(maxErr)
			nl.(unbounded).Timeout = timeout
			peers = append(peers, nl)
			continue
		}
		peers = append(peers, p)
	}
	return peers, notes, nil
}
