package client

import (
	"os"
	"testing"
)

// With no log variable set the SDK and provider loggers are turned off;
// any log variable (TF_LOG, a per-subsystem one, a log path) keeps them.
func TestQuietLogs(t *testing.T) {
	for _, k := range logEnv {
		t.Setenv(k, "")
		_ = os.Unsetenv(k)
	}
	QuietLogs()
	for _, k := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_TYK"} {
		if os.Getenv(k) != "OFF" {
			t.Errorf("%s = %q, want OFF when no log is requested", k, os.Getenv(k))
		}
	}
	for _, k := range logEnv {
		_ = os.Unsetenv(k)
	}
	t.Setenv("TF_LOG", "TRACE")
	QuietLogs()
	if os.Getenv("TF_LOG_SDK") != "" || !LogsRequested() {
		t.Error("TF_LOG=TRACE must leave the loggers as Terraform asks")
	}
}
