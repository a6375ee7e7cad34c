package main

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// graphOf is a configuration's resources (mirror names) with their count
// and the sorted references each holds ("name[index]").
func graphOf(t *testing.T, config string, ref *regexp.Regexp, name func(m []string) string) map[string][]string {
	t.Helper()
	g := map[string][]string{}
	for _, m := range mirrorBlock.FindAllStringSubmatch(config, -1) {
		self := mirrorName(m[1], m[2])
		if m[1] == "terraform_data" {
			self = m[2]
		}
		count := mirrorCount.FindStringSubmatch(m[3])
		if count == nil {
			t.Fatalf("%s has no count", self)
		}
		refs := []string{"count=" + count[1]}
		for _, r := range ref.FindAllStringSubmatch(m[3], -1) {
			refs = append(refs, name(r))
		}
		slices.Sort(refs)
		g[self] = slices.Compact(refs)
	}
	return g
}

var (
	mirroredRef = regexp.MustCompile(`terraform_data\.(\w+)\[([^\]]+)\]\.id`)
	// Any reference to a resource, whatever its form: what mirrorRef must
	// not miss.
	anyRef = regexp.MustCompile(`\btyk_\w+\.\w+`)
)

func mirroredName(r []string) string { return r[1] + "[" + r[2] + "]" }

func TestCoreMirrorIsTheSameGraph(t *testing.T) {
	wellKnownURL = "http://idp.invalid/.well-known/openid-configuration"
	apps, withAccesses := accessConfigs(7, "acc7", "http://dashboard.invalid")
	for _, config := range []string{apps, withAccesses} {
		mirror := coreMirror(config)
		want := graphOf(t, config, mirrorRef, func(r []string) string { return mirrorName(r[1], r[2]) + "[" + r[3] + "]" })
		got := graphOf(t, mirror, mirroredRef, mirroredName)
		if n := strings.Count(config, "\nresource \""); len(want) != n {
			t.Fatalf("parsed %d of the configuration's %d resources", len(want), n)
		}
		if all, parsed := len(anyRef.FindAllString(config, -1)), len(mirrorRef.FindAllString(config, -1)); all != parsed {
			t.Fatalf("the configuration has %d references, coreMirror reads %d", all, parsed)
		}
		if !maps.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("mirror graph differs:\n got  %v\n want %v\n%s", got, want, mirror)
		}
		// The edges add nothing to the stored values.
		if refs, wrapped := strings.Count(mirror, "terraform_data."), strings.Count(mirror, ", 0, 0)}"); refs != wrapped {
			t.Fatalf("%d references, %d of them as substr(ref, 0, 0):\n%s", refs, wrapped, mirror)
		}
	}
	// The accesses: n of them, each with the provider's four references.
	g := graphOf(t, coreMirror(withAccesses), mirroredRef, mirroredName)
	want := []string{"count=7", "pa_many[count.index]", "pct_c[0]", "pp_pl[0]", "pp_pr[0]"}
	if got := g["paa_many"]; !slices.Equal(got, want) {
		t.Fatalf("accesses: %v, want %v", got, want)
	}
}
