package signaling

import (
	"testing"
	"time"
)

// TestBackoffIsFullJitterUnderACap checks that reconnect attempt n waits a random duration in
// [0, min(max, base × 2ⁿ)), spread over that range, and that large n neither overflows nor
// exceeds the cap.
func TestBackoffIsFullJitterUnderACap(t *testing.T) {
	c := &Conn{opts: Options{ReconnectBaseDelay: 100 * time.Millisecond, ReconnectMaxDelay: 10 * time.Second}}
	for _, n := range []int{0, 1, 3, 6, 7, 20, 63, 64, 1000} {
		limit := min(100*time.Millisecond<<min(n, 20), 10*time.Second)
		var largest time.Duration
		for range 2000 {
			d := c.backoff(n)
			if d < 0 || d >= limit {
				t.Fatalf("backoff(%d) = %v, outside [0, %v)", n, d, limit)
			}
			largest = max(largest, d)
		}
		if largest < limit*9/10 {
			t.Errorf("backoff(%d): largest of 2000 draws is %v, want close to %v (full jitter)", n, largest, limit)
		}
	}
}
