package archived_test

import (
	"testing"

	"github.com/kvsgo/sdk/internal/wiretest"
)

// TestMain fails the package's tests if any goroutine outlives them.
func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }
