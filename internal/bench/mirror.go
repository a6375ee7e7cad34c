package main

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	mirrorBlock = regexp.MustCompile(`(?ms)^resource "(\w+)" "(\w+)" \{\n(.*?)^\}\n`)
	mirrorCount = regexp.MustCompile(`(?m)^\s*count\s*=\s*(\d+)\s*$`)
	// A reference to another resource of the configuration, e.g.
	// tyk_portal_app.many[count.index].id or tyk_api.a[0].api_id.
	mirrorRef = regexp.MustCompile(`\b(tyk_\w+)\.(\w+)\[([^\]]+)\]\.\w+`)
)

// mirrorName is the terraform_data name standing in for a resource: the
// initials of its type and its name (tyk_portal_app.many: pa_many), as
// names are unique per type only (tyk_portal_app.many and
// tyk_portal_app_access.many). Short, so that "terraform_data.pa_many" in
// the dependencies Terraform records for each instance is about as long
// as "tyk_portal_app.many": those lists are written to state after every
// instance applied, and a longer one would make the terraform_data side
// slower than the graph alone makes it.
func mirrorName(typ, name string) string {
	var initials []byte
	for _, w := range strings.Split(strings.TrimPrefix(typ, "tyk_"), "_") {
		initials = append(initials, w[0])
	}
	return string(initials) + "_" + name
}

// coreMirror is the terraform_data configuration of the same graph as a
// provider configuration: one terraform_data per resource, with the same
// name, count and references (so the same edges, and the same
// dependencies recorded in state for each instance). Each reference is
// kept as substr(ref.id, 0, 0): an edge that adds nothing to the stored
// value, so a terraform_data object keeps its own size (about 420 bytes
// of state) and what the provider's larger objects cost Terraform is
// still counted against the provider. The provider block, which has no
// counterpart, is dropped.
func coreMirror(config string) string {
	var b strings.Builder
	for _, m := range mirrorBlock.FindAllStringSubmatch(config, -1) {
		typ, name, body := m[1], m[2], m[3]
		count := "1"
		if c := mirrorCount.FindStringSubmatch(body); c != nil {
			count = c[1]
		}
		self := mirrorName(typ, name)
		input := self + "-${count.index}"
		seen := map[string]bool{}
		for _, r := range mirrorRef.FindAllStringSubmatch(body, -1) {
			ref := fmt.Sprintf("terraform_data.%s[%s].id", mirrorName(r[1], r[2]), r[3])
			if !seen[ref] {
				seen[ref] = true
				input += "${substr(" + ref + ", 0, 0)}"
			}
		}
		fmt.Fprintf(&b, "resource \"terraform_data\" %q {\n  count = %s\n  input = %q\n}\n\n", self, count, input)
	}
	return b.String()
}
