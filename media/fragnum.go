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
