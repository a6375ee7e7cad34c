// Command terraform-provider-tyk is the Terraform provider for Tyk's OAuth 2.0
// Dynamic Client Registration setup.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	// Logs nobody asked for are not produced (TF_LOG and friends unset).
	client.QuietLogs()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/tykdcr/tyk",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}
