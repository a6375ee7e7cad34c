//go:build tools

// Package tools pins tfplugindocs, which renders docs/ from the provider
// schema, templates/ and examples/.
package tools

import _ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
