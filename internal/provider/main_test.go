package provider_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

// TestMain stops the sandbox and Hydra after the tests, also when they fail,
// and fails the run if any sandbox answer broke the official spec.
func TestMain(m *testing.M) {
	code := m.Run()
	if v := acctest.SpecViolations(); len(v) > 0 {
		fmt.Fprintf(os.Stderr, "\nThe sandbox answered %d request(s) in a way the official spec does not allow:\n", len(v))
		for _, line := range v {
			fmt.Fprintln(os.Stderr, "  - "+line)
		}
		code = 1
	}
	acctest.Cleanup()
	os.Exit(code)
}
