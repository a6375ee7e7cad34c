package provider_test

import (
	"os"
	"testing"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

// TestMain stops the sandbox and Hydra after the tests, also when they fail.
func TestMain(m *testing.M) {
	code := m.Run()
	acctest.Cleanup()
	os.Exit(code)
}
