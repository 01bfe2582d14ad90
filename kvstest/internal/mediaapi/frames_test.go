package mediaapi

import "testing"

func TestVintLength(t *testing.T) {
	for n, want := range map[int64]int64{0: 1, 126: 1, 127: 2, 16382: 2, 16383: 3, 1 << 30: 5} {
		if got := vintLength(n); got != want {
			t.Errorf("vintLength(%d) = %d, want %d", n, got, want)
		}
	}
}
