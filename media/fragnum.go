package media

import "strings"

// CompareFragmentNumbers orders two fragment numbers (decimal strings too long for an integer)
// numerically: -1 when a < b, 0 when equal, +1 when a > b. Leading zeros are ignored.
func CompareFragmentNumbers(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return strings.Compare(a, b)
}

// MaxFragmentNumberLength is the longest fragment number the service's models accept.
const MaxFragmentNumberLength = 128

// ValidFragmentNumber reports whether s has the form of a fragment number: 1 to 128 decimal
// digits, as the service's models define it.
func ValidFragmentNumber(s string) bool {
	if len(s) == 0 || len(s) > MaxFragmentNumberLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
