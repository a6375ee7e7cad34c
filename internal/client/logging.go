package client

import (
	"os"
	"strings"
	"sync"
)

// Log settings Terraform passes to the provider process through its
// environment (terraform-plugin-log reads the same variables).
var logEnv = []string{
	"TF_LOG", "TF_LOG_PATH", "TF_ACC_LOG_PATH", "TF_LOG_PATH_MASK", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_TYK",
	"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK",
}

// LogsRequested tells whether anyone asked for logs: with none of the log
// variables set, Terraform discards whatever the provider writes, so the
// provider writes nothing (see QuietLogs).
func LogsRequested() bool {
	for _, k := range logEnv {
		if os.Getenv(k) != "" {
			return true
		}
	}
	return false
}

// QuietLogs turns the SDK's and the provider's loggers off when no log was
// requested: they would otherwise format thousands of trace lines per run
// (framework type checks, every request) that Terraform throws away.
func QuietLogs() {
	if LogsRequested() {
		return
	}
	// TF_LOG_PROVIDER_TYK is this provider's own logger (terraform-plugin-go
	// tf6server: TF_LOG_PROVIDER_<name of the registry address>).
	for _, k := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_TYK"} {
		_ = os.Setenv(k, "OFF")
	}
}

var traceBodies = sync.OnceValue(func() bool {
	for _, k := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_TYK"} {
		if v := strings.ToUpper(os.Getenv(k)); v == "TRACE" || v == "JSON" {
			return true
		}
	}
	return os.Getenv("TF_ACC_LOG_PATH") != ""
})
