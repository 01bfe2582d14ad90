package media_test

import (
	"strings"
	"testing"

	"github.com/kvsgo/sdk/media"
)

func TestValidFragmentNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"0": true, "91343852333181432392682062607743920146670155556": true, strings.Repeat("9", 128): true,
		"": false, strings.Repeat("1", 129): false, "12a": false, "-1": false, " 1": false, "1.5": false, "１": false,
	} {
		if got := media.ValidFragmentNumber(s); got != want {
			t.Errorf("ValidFragmentNumber(%q) = %v, want %v", s, got, want)
		}
	}
}
