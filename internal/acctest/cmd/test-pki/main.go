// Command test-pki writes a throwaway CA, a server certificate for
// 127.0.0.1/localhost and a client certificate into -dir (ca.pem,
// server.pem, server-key.pem, client.pem, client-key.pem), for the demo and
// the scripts over HTTPS (make demo TLS=1). Test use only.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

func main() {
	dir := flag.String("dir", ".", "directory to write the certificates to")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, "test-pki:", err)
		os.Exit(1)
	}
	if _, err := acctest.NewTestPKI(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "test-pki:", err)
		os.Exit(1)
	}
}
