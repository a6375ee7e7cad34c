// Command terraform-provider-tyk is the Terraform provider for Tyk's OAuth 2.0
// Dynamic Client Registration setup.
package main

import (
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	defaultGCPercent()
	// Logs nobody asked for are not produced (TF_LOG and friends unset).
	logs := client.LogsRequested()
	client.QuietLogs()

	server := providerserver.NewProtocol6(provider.New(version)())
	factory := func() tfprotov6.ProviderServer {
		if logs {
			return server()
		}
		return lightServer{ProviderServer: server()}
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/tykdcr/tyk", factory, opts...)
	if err != nil {
		log.Fatal(err)
	}
}

// defaultGCPercent sets a GC target of 200 rather than Go's 100 when GOGC is
// not set: the framework allocates heavily per call (schema walks, tftypes
// values), and at 800 accesses in make bench this cut the provider's CPU by
// about a tenth for about 5 MB more peak RSS (35 -> 39-41 MB). GOGC set by the user
// wins.
func defaultGCPercent() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
}
