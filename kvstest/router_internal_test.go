package kvstest

import (
	"net/http/httptest"
	"testing"
)

// TestOnePortRoutesDoNotOverlap guards WithOnePort, which finds an endpoint by path alone: no
// two endpoints may have an operation at the same path, and planeOf finds each operation's own.
func TestOnePortRoutesDoNotOverlap(t *testing.T) {
	owner := map[string]plane{}
	for p := range numPlanes {
		for path, rt := range routes[p] {
			if q, dup := owner[path]; dup {
				t.Errorf("%s is an operation of the %s and the %s endpoints", path, planeNames[q], planeNames[p])
			}
			owner[path] = p
			r := httptest.NewRequest(rt.method, path, nil)
			if p == signalingWSPlane {
				r.Header.Set("Upgrade", "websocket")
			}
			if got := planeOf(r); got != p {
				t.Errorf("%s %s goes to the %s endpoint, want %s", rt.method, path, planeNames[got], planeNames[p])
			}
		}
	}
	// A GET of / that is no WebSocket upgrade is the control plane's.
	if got := planeOf(httptest.NewRequest("GET", "/", nil)); got != controlPlane {
		t.Errorf("GET / goes to the %s endpoint", planeNames[got])
	}
}
