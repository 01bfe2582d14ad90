//go:build !race

package hostile_test

// raceEnabled: see race_test.go.
const raceEnabled = false
