package main

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// lifecycleStep says how the benchmark updates one type in place, and the
// minimal number of provider requests per object for each operation, with
// the reason (what the API makes necessary).
type lifecycleStep struct {
	typ        string
	edit       [2]string // in the type's block: old → new
	min        [3]int    // create, update, delete
	minWhy     [3]string
	updateNote string
}

// lifecycleSteps lists refreshConfig's types in dependency order. The
// minimal sequences follow the APIs as tyk-api.md, the specs and the
// recordings show them: a Dashboard create answers with the id only
// (ApiModifyKey / ApiStatusMessage), so the first state needs one read; a
// Portal create answers with the object. A classic API or policy PUT
// replaces the whole object, and the Portal's PUTs are documented neither
// as merge nor as replace (Tyk's own scripts GET, edit, PUT), so an update
// that keeps the fields others own reads the object first: GET, PUT.
// Reads of referenced objects (the plan-time checks, repeated by
// Terraform's apply-time re-plan) and per-run lists are extra; the report
// shows each request.
var lifecycleSteps = []lifecycleStep{
	{typ: "tyk_api", edit: [2]string{"-api-${", "-api2-${"},
		min:    [3]int{2, 2, 1},
		minWhy: [3]string{"POST, GET (the POST answers with the id only)", "GET, PUT (a PUT replaces the whole definition)", "DELETE"}},
	{typ: "tyk_policy", edit: [2]string{"-pol-${", "-pol2-${"},
		min:    [3]int{2, 2, 1},
		minWhy: [3]string{"POST, GET (the POST answers with the id only)", "GET, PUT (a PUT replaces the whole policy)", "DELETE"}},
	{typ: "tyk_api_scope_mapping", edit: [2]string{"_m_${", "_m2_${"},
		min:    [3]int{2, 2, 2},
		minWhy: [3]string{"GET, PUT of the API", "GET, PUT of the API", "GET, PUT of the API"}},
	{typ: "tyk_portal_api_provider", edit: [2]string{"-prov-${", "-prov2-${"},
		min:    [3]int{1, 2, 1},
		minWhy: [3]string{"POST", "GET, PUT", "DELETE"}},
	{typ: "tyk_portal_oauth_provider", edit: [2]string{"-idp-${", "-idp2-${"},
		min:    [3]int{1, 2, 1},
		minWhy: [3]string{"POST", "GET, PUT", "DELETE"}},
	{typ: "tyk_portal_client_type", edit: [2]string{"-ct-${", "-ct2-${"},
		min:    [3]int{1, 2, 1},
		minWhy: [3]string{"POST", "GET, PUT", "DELETE"}},
	{typ: "tyk_portal_product", edit: [2]string{"-product-${", "-product2-${"},
		min:    [3]int{2, 2, 1},
		minWhy: [3]string{"POST, one attach per client type", "GET, PUT", "DELETE"}},
	{typ: "tyk_portal_plan", edit: [2]string{"-plan-${", "-plan2-${"},
		min:    [3]int{1, 2, 1},
		minWhy: [3]string{"POST", "GET, PUT", "DELETE"}},
	{typ: "tyk_portal_user", edit: [2]string{`first_name = "B"`, `first_name = "C"`},
		min:    [3]int{1, 2, 1},
		minWhy: [3]string{"POST", "GET, PUT", "DELETE"}},
	{typ: "tyk_portal_app", edit: [2]string{"-app-${", "-app2-${"},
		min:    [3]int{1, 2, 1},
		minWhy: [3]string{"POST", "GET, PUT", "DELETE"}},
	{typ: "tyk_portal_app_access", edit: [2]string{"client_type_id = tyk_portal_client_type.c[count.index].id", "client_type_id = tyk_portal_client_type.c[count.index].id\n  verify_idp_client = false"},
		min:        [3]int{minimalCreate, 1, 1},
		minWhy:     [3]string{"provision, the app's list, approve, credential read", "GET of the request (the credential)", "DELETE of the request"},
		updateNote: "the update changes verify_idp_client (all the Portal holds replaces)"},
}

// lifecycleCount is the provider's requests of one step.
type lifecycleCount struct {
	plan, apply, idp int
	byPath           map[string]int
}

// providerRequests counts the requests the provider sent to the sandbox
// since the last reset (not the Portal's own calls to the Dashboard), by
// method and path with ids folded.
func providerRequests(e *env) (int, map[string]int) {
	byPath := map[string]int{}
	id := regexp.MustCompile(`^(\d+|[0-9a-f]{16,})$`)
	total := 0
	for _, r := range e.sb.Store.Requests() {
		if r.Plane == "gateway" || !strings.HasPrefix(r.UserAgent, "terraform-provider-tyk") {
			continue
		}
		total++
		segs := strings.Split(r.Path, "/")
		for i, sg := range segs {
			if id.MatchString(sg) {
				segs[i] = "{id}"
			}
		}
		byPath[r.Method+" "+strings.Join(segs, "/")]++
	}
	return total, byPath
}

// lifecycle measures each type's requests per object to create, update in
// place and delete: refreshConfig's graph is built one type at a time in
// dependency order (each apply changes that type only), each type is then
// updated alone, and the types are removed in reverse order. Every step is
// `plan -refresh=false -out` (its requests are the plan-time checks of the
// changed objects; refresh is measured above) and `apply` of that plan.
func (e *env) lifecycle(n int) {
	wellKnownURL = e.h.WellKnownURL
	tag := fmt.Sprintf("lc%d", n)
	cfg := strings.Replace(refreshConfig(n, tag), `"http://dashboard.invalid"`, strconv.Quote(e.sb.DashboardURL), 1)
	// Approval by an admin, as in the seed flow.
	cfg = strings.Replace(cfg, "auto_approve_access_requests = true", "auto_approve_access_requests = false", 1)
	parts := strings.Split(cfg, "\nresource ")
	header, blocks := parts[0], parts[1:]
	if len(blocks) != len(lifecycleSteps) {
		check(fmt.Errorf("lifecycle: %d resource blocks, %d steps", len(blocks), len(lifecycleSteps)))
	}
	for i, b := range blocks {
		if !strings.HasPrefix(b, strconv.Quote(lifecycleSteps[i].typ)+" ") {
			check(fmt.Errorf("lifecycle: block %d is not %s", i, lifecycleSteps[i].typ))
		}
		if !strings.Contains(b, lifecycleSteps[i].edit[0]) {
			check(fmt.Errorf("lifecycle: %s's block has no %q", lifecycleSteps[i].typ, lifecycleSteps[i].edit[0]))
		}
	}
	d := e.dir("lifecycle", header)
	write := func(bs []string) {
		var sb strings.Builder
		sb.WriteString("terraform {\n  required_providers {\n    tyk = { source = \"tykdcr/tyk\" }\n  }\n}\n" + header)
		for _, b := range bs {
			sb.WriteString("\nresource " + b)
		}
		check(os.WriteFile(filepath.Join(d, "main.tf"), []byte(sb.String()), 0o644))
	}
	step := func() lifecycleCount {
		var c lifecycleCount
		e.sb.Store.ResetRequests()
		e.providerIdP.Store(0)
		e.tf(d, "plan", "-refresh=false", "-input=false", "-parallelism=10", "-out=step.tfplan")
		c.plan, _ = providerRequests(e)
		e.sb.Store.ResetRequests()
		e.tf(d, "apply", "-input=false", "-parallelism=10", "step.tfplan")
		c.apply, c.byPath = providerRequests(e)
		c.idp = int(e.providerIdP.Load())
		return c
	}
	fmt.Fprintf(os.Stderr, "bench: lifecycle of %d objects of each type...\n", n)
	var results [3][]lifecycleCount // create, update, delete
	for i := range blocks {
		write(blocks[:i+1])
		results[0] = append(results[0], step())
	}
	current := append([]string(nil), blocks...)
	for i, s := range lifecycleSteps {
		current[i] = strings.Replace(current[i], s.edit[0], s.edit[1], 1)
		write(current)
		results[1] = append(results[1], step())
	}
	results[2] = make([]lifecycleCount, len(blocks))
	for i := len(blocks) - 1; i >= 0; i-- {
		write(current[:i])
		results[2][i] = step()
	}

	ops := [3]string{"create", "update", "delete"}
	fmt.Fprintf(e.report, "== Requests per object, each type alone (N = %d of each): plan-time checks (plan -refresh=false) and apply, provider requests only\n", n)
	fmt.Fprintf(e.report, "%-27s %-7s %6s %6s %5s %8s  %s\n", "type", "op", "plan", "apply", "IdP", "minimal", "minimal sequence")
	for i, s := range lifecycleSteps {
		for op := range ops {
			c := results[op][i]
			why := s.minWhy[op]
			if op == 1 && s.updateNote != "" {
				why += "; " + s.updateNote
			}
			fmt.Fprintf(e.report, "%-27s %-7s %6.2f %6.2f %5.2f %8d  %s\n", s.typ, ops[op],
				float64(c.plan)/float64(n), float64(c.apply)/float64(n), float64(c.idp)/float64(n), s.min[op], why)
		}
	}
	fmt.Fprintf(e.report, "requests of each apply per object, by request:\n")
	for i, s := range lifecycleSteps {
		for op := range ops {
			fmt.Fprintf(e.report, "  %s %s: %s\n", s.typ, ops[op], perObject(results[op][i].byPath, n))
		}
	}
	fmt.Fprintln(e.report)
	e.flush()
}

// perObject lists requests by method and path, per object, in path order.
func perObject(byPath map[string]int, n int) string {
	parts := make([]string, 0, len(byPath))
	for _, k := range slices.Sorted(maps.Keys(byPath)) {
		parts = append(parts, fmt.Sprintf("%s %.2f", k, float64(byPath[k])/float64(n)))
	}
	return strings.Join(parts, ", ")
}
