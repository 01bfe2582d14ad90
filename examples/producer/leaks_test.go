package main

import (
	"testing"

	"github.com/kvsgo/sdk/internal/wiretest"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }
