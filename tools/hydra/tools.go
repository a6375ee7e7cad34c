//go:build tools

// Package tools pins Ory Hydra, the real OAuth 2.0 / OIDC server the
// acceptance tests and `make demo` register clients in.
package tools

import _ "github.com/ory/hydra/v2"
