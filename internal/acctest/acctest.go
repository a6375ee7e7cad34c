// Package acctest is the acceptance-test harness: it starts the Tyk sandbox
// (and, for DCR tests, Ory Hydra) once per test binary, points the provider
// at it through the environment, and offers provider factories and helpers.
package acctest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/tykdcr/terraform-provider-tyk/internal/provider"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/spec"
)

// Tokens the sandbox accepts in tests.
const (
	DashboardToken = "acc-dashboard-token-3f1d9c"
	PortalToken    = "acc-portal-token-8a2b7e"
)

// ProtoV6ProviderFactories serve the provider in-process.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"tyk": providerserver.NewProtocol6WithError(provider.New("acctest")()),
}

var (
	once  sync.Once
	sb    *sandbox.Sandbox
	sbErr error
)

// RepoRoot returns the repository root (the directory holding go.mod).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Sandbox starts (once) the in-process sandbox and points TYK_* at it.
func Sandbox(t testing.TB) *sandbox.Sandbox {
	t.Helper()
	SkipExternal(t)
	once.Do(func() {
		terraformEnv()
		specDir := spec.FindDir(RepoRoot())
		sb, sbErr = sandbox.Start(sandbox.Options{
			DashboardToken:  DashboardToken,
			PortalToken:     PortalToken,
			SpecDir:         specDir,
			StrictResponses: true,
		})
		if sbErr != nil {
			return
		}
		exportProviderEnv(sb)
	})
	if sbErr != nil {
		t.Fatalf("starting sandbox: %v", sbErr)
	}
	return sb
}

// PreCheck is the PreCheck of every acceptance test.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests need TF_ACC=1")
	}
	DefaultTarget(t)
}

// Name returns a unique, readable test object name.
func Name(prefix string) string {
	namesMu.Lock()
	defer namesMu.Unlock()
	nameSeq++
	return fmt.Sprintf("%s-%d-%d", prefix, os.Getpid()%10000, nameSeq)
}

var (
	namesMu sync.Mutex
	nameSeq int
)

// terraformEnv gives the Terraform CLI an empty CLI configuration (without
// one, `tofu version` prints a warning the test framework cannot parse) and,
// for OpenTofu, its registry host.
func terraformEnv() {
	if cfg := os.Getenv("TF_CLI_CONFIG_FILE"); cfg == "" || !fileExists(cfg) {
		f, err := os.CreateTemp("", "acc-terraformrc-")
		if err == nil {
			f.Close()
			os.Setenv("TF_CLI_CONFIG_FILE", f.Name())
		}
	}
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); filepath.Base(bin) == "tofu" && os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
		os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// exportProviderEnv points the provider of every test in the process at the
// shared sandbox (process-wide on purpose: the sandbox outlives each test).
func exportProviderEnv(sb *sandbox.Sandbox) {
	os.Setenv(provider.EnvDashboardURL, sb.DashboardURL)
	os.Setenv(provider.EnvDashboardToken, DashboardToken)
	os.Setenv(provider.EnvPortalURL, sb.PortalURL)
	os.Setenv(provider.EnvPortalToken, PortalToken)
	os.Setenv(provider.EnvMaxRetries, "2")
}
