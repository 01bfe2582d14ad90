//go:build race

package hostile_test

// raceEnabled is set under the race detector, whose memory and time overheads (five to ten
// times) would make the suite's bounds meaningless; .ci/run runs the suite without it.
const raceEnabled = true
