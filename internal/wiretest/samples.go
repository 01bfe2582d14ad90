package wiretest

import (
	"strings"
	"time"
)

// SampleTime is the time every sample timestamp holds (the differential tests' filled inputs and
// outputs, and the tests that build on them).
var SampleTime = time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)

// TagSection returns the "key:" or "elem:" part (kind "key" or "elem") of a validate tag: the
// rules of a map's keys or of a list's or map's elements.
func TagSection(tag, kind string) string {
	for _, s := range strings.Split(tag, ";") {
		if body, ok := strings.CutPrefix(s, kind+":"); ok {
			return body
		}
	}
	return ""
}

// TagRule returns the value of rule key ("min", "max", "pattern", ...) among the rules of a
// validate tag's own part (before the first ";"), and whether the rule is there.
func TagRule(tag, key string) (string, bool) {
	main, _, _ := strings.Cut(tag, ";")
	for _, r := range strings.Split(main, ",") {
		if k, v, _ := strings.Cut(r, "="); k == key {
			return v, true
		}
	}
	return "", false
}
