package kvs_test

import (
	"testing"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
)

// TestConformsToModel checks every operation, member, type, enum, required flag, constraint and
// error of the kinesisvideo model against the kvs types.
func TestConformsToModel(t *testing.T) {
	m := wiretest.LoadModel(t, "kinesisvideo/2017-09-30")
	if n := len(m.Operations); n != 32 {
		t.Errorf("model has %d operations, want 32", n)
	}
	wiretest.Conformance{Client: &kvs.Client{}, Errors: modeledErrors}.Check(t, m)
}
