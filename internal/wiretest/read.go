package wiretest

import (
	"io"
	"testing"
)

// ReadAll reads and closes a payload or response body, failing the test on a read error.
func ReadAll(t testing.TB, r io.ReadCloser) []byte {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
