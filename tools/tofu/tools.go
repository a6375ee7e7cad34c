//go:build tools

// Package tools pins OpenTofu, which `make tofu` builds for machines that
// have no terraform CLI (acceptance tests then use TF_ACC_TERRAFORM_PATH).
package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
