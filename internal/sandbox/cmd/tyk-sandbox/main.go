// Command tyk-sandbox runs the Tyk control-plane emulation as a process, for
// `make sandbox` and `make demo`. It prints one line per plane with its URL
// and runs until interrupted.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/spec"
)

func main() {
	var opts sandbox.Options
	flag.StringVar(&opts.DashboardAddr, "dashboard-addr", "127.0.0.1:3000", "listen address of the emulated Dashboard API")
	flag.StringVar(&opts.DashboardToken, "dashboard-token", envOr("TYK_DASHBOARD_TOKEN", "sandbox-dashboard-token"), "Dashboard user API key to accept")
	flag.StringVar(&opts.PortalAddr, "portal-addr", "127.0.0.1:3001", "listen address of the emulated Portal (admin API below /portal-api)")
	flag.StringVar(&opts.PortalToken, "portal-token", envOr("TYK_PORTAL_TOKEN", "sandbox-portal-token"), "Portal admin API token to accept")
	flag.StringVar(&opts.GatewayAddr, "gateway-addr", "127.0.0.1:8080", "listen address of the gateway data plane")
	flag.StringVar(&opts.EchoAddr, "echo-addr", "127.0.0.1:8081", "listen address of the httpbin-style echo upstream")
	faultsJSON := flag.String("faults", "", `fault injection rules as JSON, e.g. [{"plane":"dashboard","kind":"latency","rate":1,"delay":25000000}]`)
	flag.Uint64Var(&opts.FaultSeed, "fault-seed", 1, "seed of fault injection")
	specDir := flag.String("spec-dir", "", "directory with the official Tyk OpenAPI documents (default: ../shared/tyk-specs if found)")
	noSpec := flag.Bool("no-spec-validation", false, "do not validate requests against the official spec")
	flag.StringVar(&opts.PortalVersion, "portal-version", "", "Portal version to emulate: 1.12, 1.13, 1.16 or 1.18 (default: the newest)")
	tlsCert := flag.String("tls-cert", "", "PEM certificate: serve every plane over HTTPS (with -tls-key)")
	tlsKey := flag.String("tls-key", "", "PEM private key of -tls-cert")
	caFile := flag.String("ca-file", "", "PEM CA bundle the emulated installation trusts for its own HTTPS calls (Portal to IdP and Dashboard, Gateway to JWKS), besides the system's")
	flag.Parse()

	if *tlsCert != "" {
		pair, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tyk-sandbox: -tls-cert/-tls-key:", err)
			os.Exit(2)
		}
		opts.TLS = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{pair}}
	}
	if *caFile != "" {
		pem, err := os.ReadFile(*caFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tyk-sandbox: -ca-file:", err)
			os.Exit(2)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			fmt.Fprintln(os.Stderr, "tyk-sandbox: -ca-file holds no PEM certificate")
			os.Exit(2)
		}
		opts.RootCAs = pool
	}

	if !*noSpec {
		opts.SpecDir = *specDir
		if opts.SpecDir == "" {
			wd, _ := os.Getwd()
			opts.SpecDir = spec.FindDir(wd)
		}
	}
	sb, err := sandbox.Start(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tyk-sandbox:", err)
		os.Exit(1)
	}
	defer sb.Close()
	if *faultsJSON != "" {
		if err := sb.Faults.SetJSON([]byte(*faultsJSON)); err != nil {
			fmt.Fprintln(os.Stderr, "tyk-sandbox: -faults:", err)
			os.Exit(2)
		}
	}
	fmt.Printf("dashboard %s\n", sb.DashboardURL)
	fmt.Printf("portal %s\n", sb.PortalURL)
	fmt.Printf("gateway %s\n", sb.GatewayURL)
	fmt.Printf("echo %s\n", sb.EchoURL)
	fmt.Printf("spec-validation %t\n", sb.SpecValidation)
	fmt.Printf("portal-version %s\n", sb.PortalVersion)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
