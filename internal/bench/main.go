// Command bench measures the provider against the sandbox and a real Hydra
// and writes the numbers to a file (make bench). It asserts nothing: compare
// the files of two commits.
//
//  1. Refresh cost: for N = 50 and 200 objects of each type, the requests a
//     `terraform plan` after apply sends, per object and type (target: one
//     read per object, plus one IdP read per access when verify_idp_client).
//     Then each plural data source, refreshed alone over everything: its
//     requests against one list request per page plus documented reads.
//  2. Parallel apply: 200 app accesses at -parallelism=10 with 25 ms added
//     to every request of the provider; wall time against the ideal (total
//     requests x 25 ms / 10), target <= 1.25; the provider's peak RSS,
//     target < 80 MB.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/faults"
)

var (
	out       = flag.String("out", "bench-results.txt", "where to write the results")
	terraform = flag.String("terraform", "terraform", "terraform or tofu binary")
	sizes     = flag.String("sizes", "50,200", "object counts for the refresh benchmark")
	accesses  = flag.Int("accesses", 200, "app accesses for the parallel apply benchmark")
	latency   = flag.Duration("latency", 25*time.Millisecond, "latency added to every provider request")
)

type env struct {
	root, work string
	sb         *sandbox.Sandbox
	h          *acctest.Hydra
	idpReads   atomic.Int64
	report     *strings.Builder
}

func main() {
	flag.Parse()
	root := acctest.RepoRoot()
	work, err := os.MkdirTemp("", "tyk-bench-")
	check(err)
	defer os.RemoveAll(work)
	e := &env{root: root, work: work, report: &strings.Builder{}}

	// Hydra behind a counting proxy: every RFC 7592 read goes through it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	proxyURL := "http://" + ln.Addr().String()
	e.h, err = acctest.StartHydraBehind(proxyURL)
	check(err)
	defer e.h.Stop()
	target, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", e.h.Port))
	rp := httputil.NewSingleHostReverseProxy(target)
	go func() {
		_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/oauth2/register/") {
				e.idpReads.Add(1)
			}
			rp.ServeHTTP(w, r)
		}))
	}()

	e.sb, err = sandbox.Start(sandbox.Options{DashboardToken: acctest.DashboardToken, PortalToken: acctest.PortalToken})
	check(err)
	defer e.sb.Close()

	fmt.Fprintf(e.report, "terraform-provider-tyk benchmark, %s\n", time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(e.report, "commit: %s\n\n", gitRev(root))
	for _, s := range strings.Split(*sizes, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		check(err)
		e.refresh(n)
	}
	e.parallelApply(*accesses)
	check(os.WriteFile(*out, []byte(e.report.String()), 0o644))
	fmt.Print(e.report.String())
	fmt.Printf("\nresults written to %s\n", *out)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func gitRev(root string) string {
	b, err := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

// flush writes the report so far, so a late failure keeps the numbers.
func (e *env) flush() { _ = os.WriteFile(*out, []byte(e.report.String()), 0o644) }

// teardown destroys a scenario; a failure is reported, not fatal.
func (e *env) teardown(dir string) {
	_, _, err := e.tfErr(dir, "destroy", "-auto-approve", "-input=false", "-parallelism=20")
	if err != nil { // once more: what failed is still in state
		_, _, err = e.tfErr(dir, "destroy", "-auto-approve", "-input=false", "-parallelism=20")
	}
	if err != nil {
		fmt.Fprintf(e.report, "(teardown of %s failed: %v)\n\n", filepath.Base(dir), err)
		e.flush()
	}
}

// tf runs terraform in dir with the freshly built provider; it returns the
// wall time and the peak RSS of the provider processes it started.
func (e *env) tf(dir string, args ...string) (time.Duration, int64) {
	took, rss, err := e.tfErr(dir, args...)
	check(err)
	return took, rss
}

func (e *env) tfErr(dir string, args ...string) (time.Duration, int64, error) {
	rc := filepath.Join(e.work, "terraformrc")
	check(os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"tykdcr/tyk\" = %q\n  }\n  direct {}\n}\n", filepath.Join(e.root, "bin"))), 0o644))
	cmd := exec.Command(*terraform, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1",
		"TYK_DASHBOARD_URL="+e.sb.DashboardURL, "TYK_DASHBOARD_TOKEN="+acctest.DashboardToken,
		"TYK_PORTAL_URL="+e.sb.PortalURL, "TYK_PORTAL_TOKEN="+acctest.PortalToken, "TYK_MAX_RETRIES=2")
	logf, err := os.Create(filepath.Join(e.work, "terraform.out"))
	check(err)
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	var peak atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); watchRSS(&peak, done) }()
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	close(done)
	wg.Wait()
	if err != nil {
		b, _ := os.ReadFile(filepath.Join(e.work, "terraform.out"))
		return took, peak.Load(), fmt.Errorf("terraform %v: %v\n%s", args, err, tailStr(string(b), 3000))
	}
	return took, peak.Load(), nil
}

func tailStr(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// watchRSS polls the peak resident set (VmHWM) of every running provider.
func watchRSS(peak *atomic.Int64, done chan struct{}) {
	for {
		entries, _ := os.ReadDir("/proc")
		for _, en := range entries {
			if _, err := strconv.Atoi(en.Name()); err != nil {
				continue
			}
			comm, _ := os.ReadFile("/proc/" + en.Name() + "/comm")
			if !strings.HasPrefix(strings.TrimSpace(string(comm)), "terraform-provi") {
				continue
			}
			f, err := os.Open("/proc/" + en.Name() + "/status")
			if err != nil {
				continue
			}
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "VmHWM:") {
					kb, _ := strconv.ParseInt(strings.Fields(sc.Text())[1], 10, 64)
					for {
						cur := peak.Load()
						if kb*1024 <= cur || peak.CompareAndSwap(cur, kb*1024) {
							break
						}
					}
				}
			}
			f.Close()
		}
		select {
		case <-done:
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (e *env) dir(name, config string) string {
	d := filepath.Join(e.work, name)
	check(os.MkdirAll(d, 0o755))
	check(os.WriteFile(filepath.Join(d, "main.tf"), []byte("terraform {\n  required_providers {\n    tyk = { source = \"tykdcr/tyk\" }\n  }\n}\n"+config), 0o644))
	return d
}

// kinds classifies a sandbox request path by the resource that reads it.
var kinds = []struct {
	name string
	re   *regexp.Regexp
}{
	{"tyk_policy", regexp.MustCompile(`^/api/portal/policies/[0-9a-f]{24}$`)},
	{"tyk_api + tyk_api_scope_mapping (both read the API)", regexp.MustCompile(`^/api/apis/[^/]+$`)},
	{"tyk_portal_api_provider", regexp.MustCompile(`^/portal-api/providers/\d+$`)},
	{"tyk_portal_oauth_provider", regexp.MustCompile(`^/portal-api/oauth-providers/\d+$`)},
	{"tyk_portal_client_type", regexp.MustCompile(`^/portal-api/oauth-providers/\d+/client-types/\d+$`)},
	{"tyk_portal_product", regexp.MustCompile(`^/portal-api/products/\d+$`)},
	{"tyk_portal_product (client types)", regexp.MustCompile(`^/portal-api/products/\d+/client_types$`)},
	{"tyk_portal_plan", regexp.MustCompile(`^/portal-api/plans/\d+$`)},
	{"tyk_portal_user", regexp.MustCompile(`^/portal-api/users/\d+$`)},
	{"tyk_portal_app", regexp.MustCompile(`^/portal-api/apps/\d+$`)},
	{"tyk_portal_app_access", regexp.MustCompile(`^/portal-api/(apps/\d+/access-requests|access_requests)/\d+$`)},
	{"catalogue list (cached)", regexp.MustCompile(`^/portal-api/catalogues$`)},
}

func refreshConfig(n int, tag string) string {
	return fmt.Sprintf(`
# The benchmark's APIs have no default policy; it measures requests, not
# the configuration's plan-bypass safety.
provider "tyk" {
  allow_plan_bypass = true
}

resource "tyk_api" "a" {
  count       = %[1]d
  name        = "%[2]s-api-${count.index}"
  listen_path = "/%[2]s-${count.index}/"
  target_url  = "http://upstream.example"
  jwt         = { signing_method = "rsa" }
}

resource "tyk_policy" "p" {
  count      = %[1]d
  name       = "%[2]s-pol-${count.index}"
  partitions = { acl = true }
  access_rights {
    api_id = tyk_api.a[count.index].api_id
  }
}

resource "tyk_api_scope_mapping" "m" {
  count           = %[1]d
  api_id          = tyk_api.a[count.index].api_id
  scope_to_policy = { "%[2]s_m_${count.index}" = tyk_policy.p[count.index].id }
}

resource "tyk_portal_api_provider" "d" {
  count                       = %[1]d
  name                        = "%[2]s-prov-${count.index}"
  dashboard_url               = %[3]q
  dashboard_secret_wo         = %[4]q
  dashboard_secret_wo_version = 1
  org_id                      = "bench"
  policy_tags                 = ["%[2]s-${count.index}"]
  synchronize                 = false
}

resource "tyk_portal_oauth_provider" "o" {
  count          = %[1]d
  name           = "%[2]s-idp-${count.index}"
  type           = "Other"
  well_known_url = %[5]q
}

resource "tyk_portal_client_type" "c" {
  count                      = %[1]d
  oauth_provider_id          = tyk_portal_oauth_provider.o[count.index].id
  name                       = "%[2]s-ct-${count.index}"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
}

resource "tyk_portal_product" "pr" {
  count           = %[1]d
  provider_id     = tyk_portal_api_provider.d[count.index].id
  name            = "%[2]s-product-${count.index}"
  api_ids         = [tyk_api.a[count.index].api_id]
  dcr_enabled     = true
  scopes          = ["%[2]s_product_${count.index}"]
  client_type_ids = [tyk_portal_client_type.c[count.index].id]
  catalogue_ids   = [1]
}

resource "tyk_portal_plan" "pl" {
  count                        = %[1]d
  provider_id                  = tyk_portal_api_provider.d[count.index].id
  name                         = "%[2]s-plan-${count.index}"
  scopes                       = ["%[2]s_plan_${count.index}"]
  rate_limit                   = 10
  per                          = 1
  auto_approve_access_requests = true
  catalogue_ids                = [1]
}

resource "tyk_portal_user" "u" {
  count      = %[1]d
  email      = "%[2]s-${count.index}@example.com"
  first_name = "B"
  last_name  = "Ench"
}

resource "tyk_portal_app" "app" {
  count   = %[1]d
  user_id = tyk_portal_user.u[count.index].id
  name    = "%[2]s-app-${count.index}"
}

resource "tyk_portal_app_access" "acc" {
  count          = %[1]d
  app_id         = tyk_portal_app.app[count.index].id
  product_ids    = [tyk_portal_product.pr[count.index].id]
  plan_id        = tyk_portal_plan.pl[count.index].id
  client_type_id = tyk_portal_client_type.c[count.index].id
}
`, n, tag, "http://dashboard.invalid", acctest.DashboardToken, wellKnown(n))
}

var wellKnownURL string

func wellKnown(int) string { return wellKnownURL }

func (e *env) refresh(n int) {
	wellKnownURL = e.h.WellKnownURL
	tag := fmt.Sprintf("b%d", n)
	cfg := strings.Replace(refreshConfig(n, tag), `"http://dashboard.invalid"`, strconv.Quote(e.sb.DashboardURL), 1)
	d := e.dir(fmt.Sprintf("refresh-%d", n), cfg)
	fmt.Fprintf(os.Stderr, "bench: applying %d objects of each of 11 types...\n", n)
	applyTook, _ := e.tf(d, "apply", "-auto-approve", "-input=false", "-parallelism=20")
	e.sb.Store.ResetRequests()
	e.idpReads.Store(0)
	planTook, _ := e.tf(d, "plan", "-input=false", "-detailed-exitcode")
	counts := map[string]int{}
	other := map[string]int{}
	for _, r := range e.sb.Store.Requests() {
		matched := false
		for _, k := range kinds {
			if r.Method == http.MethodGet && k.re.MatchString(r.Path) {
				counts[k.name]++
				matched = true
				break
			}
		}
		if !matched {
			other[r.Method+" "+r.Path]++
		}
	}
	fmt.Fprintf(e.report, "== Refresh (terraform plan after apply), N = %d objects of each type\n", n)
	fmt.Fprintf(e.report, "apply %s, plan %s\n", applyTook.Round(time.Millisecond), planTook.Round(time.Millisecond))
	fmt.Fprintf(e.report, "%-55s %8s %10s\n", "reads of", "requests", "per object")
	for _, k := range kinds {
		per := float64(counts[k.name]) / float64(n)
		if strings.HasPrefix(k.name, "tyk_api +") {
			per /= 2
		}
		fmt.Fprintf(e.report, "%-55s %8d %10.2f\n", k.name, counts[k.name], per)
	}
	fmt.Fprintf(e.report, "%-55s %8d %10.2f\n", "IdP RFC 7592 reads (verify_idp_client)", e.idpReads.Load(), float64(e.idpReads.Load())/float64(n))
	keys := make([]string, 0, len(other))
	for k := range other {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	total := 0
	for _, k := range keys {
		total += other[k]
	}
	fmt.Fprintf(e.report, "%-55s %8d\n", "other requests (lists, plan-time checks)", total)
	for _, k := range keys {
		fmt.Fprintf(e.report, "    %-51s %8d\n", k, other[k])
	}
	fmt.Fprintln(e.report)
	e.flush()
	e.dataSources(n)
	e.teardown(d)
}

// dataSources refreshes each plural data source alone, unfiltered, over
// everything the sandbox holds, and counts its requests against the
// minimum: one list request per page (the Dashboard says how many pages
// there are, 10 items each; the Portal's lists end at the first short page
// of the client's 100, so N items take N/100+1 requests), plus the per-item
// reads each data source documents.
func (e *env) dataSources(n int) {
	type ds struct {
		typ, list string
		minimum   func(items int, seen map[string]int) int
		note      string
	}
	dash := func(items int) int { return max(1, (items+9)/10) }
	portal := func(items int) int { return items/100 + 1 }
	all := []ds{
		{"tyk_policies", "policies", func(i int, _ map[string]int) int { return dash(i) }, ""},
		{"tyk_apis", "apis", func(i int, _ map[string]int) int { return dash(i) }, ""},
		{"tyk_portal_oauth_providers", "oauth_providers", func(i int, _ map[string]int) int { return portal(i) }, ""},
		{"tyk_portal_client_types", "client_types", func(i int, seen map[string]int) int {
			return portal(seen["tyk_portal_oauth_providers"]) + seen["tyk_portal_oauth_providers"]
		}, "providers' list + one list per provider"},
		{"tyk_portal_products", "products", func(i int, _ map[string]int) int { return portal(i) }, ""},
		{"tyk_portal_plans", "plans", func(i int, _ map[string]int) int { return portal(i) + i }, "+ one GET per plan (PlanSummary lacks ReferenceID)"},
		{"tyk_portal_users", "users", func(i int, _ map[string]int) int { return portal(i) }, ""},
		{"tyk_portal_apps", "apps", func(i int, _ map[string]int) int { return portal(i) }, ""},
		{"tyk_portal_app_accesses", "accesses", func(i int, seen map[string]int) int {
			return portal(seen["tyk_portal_apps"]) + seen["tyk_portal_apps"]
		}, "apps' list + one list per app"},
	}
	fmt.Fprintf(e.report, "== Plural data sources, unfiltered, each refreshed alone (N = %d objects of each type, plus the sandbox's others)\n", n)
	fmt.Fprintf(e.report, "%-28s %7s %9s %8s  %s\n", "data source", "items", "requests", "minimum", "")
	seen := map[string]int{}
	above := 0
	for _, k := range all {
		d := e.dir(fmt.Sprintf("ds-%d-%s", n, k.typ), fmt.Sprintf("provider \"tyk\" {}\n\ndata %q \"all\" {}\n\noutput \"n\" {\n  value = length(data.%s.all.%s)\n}\n",
			k.typ, k.typ, k.list))
		e.sb.Store.ResetRequests()
		e.tf(d, "apply", "-auto-approve", "-input=false")
		requests := 0
		for _, r := range e.sb.Store.Requests() {
			if r.Plane != "gateway" {
				requests++
			}
		}
		out, err := exec.Command(*terraform, "-chdir="+d, "output", "-raw", "n").Output()
		check(err)
		items, err := strconv.Atoi(strings.TrimSpace(string(out)))
		check(err)
		seen[k.typ] = items
		above += max(0, requests-k.minimum(items, seen))
		fmt.Fprintf(e.report, "%-28s %7d %9d %8d  %s\n", k.typ, items, requests, k.minimum(items, seen), k.note)
	}
	fmt.Fprintf(e.report, "data-source-requests-above-minimum-n%d: %d (target 0)\n\n", n, above)
	e.flush()
}

func (e *env) parallelApply(n int) {
	wellKnownURL = e.h.WellKnownURL
	tag := "par"
	base := strings.Replace(refreshConfig(1, tag), `"http://dashboard.invalid"`, strconv.Quote(e.sb.DashboardURL), 1)
	base = strings.Replace(base, "resource \"tyk_portal_app_access\" \"acc\" {\n  count          = 1", "resource \"tyk_portal_app_access\" \"acc\" {\n  count          = 0", 1)
	d := e.dir("parallel", base)
	e.tf(d, "apply", "-auto-approve", "-input=false")
	many := base + fmt.Sprintf(`
resource "tyk_portal_app" "many" {
  count   = %[1]d
  user_id = tyk_portal_user.u[0].id
  name    = "par-many-${count.index}"
}

resource "tyk_portal_app_access" "many" {
  count          = %[1]d
  app_id         = tyk_portal_app.many[count.index].id
  product_ids    = [tyk_portal_product.pr[0].id]
  plan_id        = tyk_portal_plan.pl[0].id
  client_type_id = tyk_portal_client_type.c[0].id
}
`, n)
	check(os.WriteFile(filepath.Join(d, "main.tf"), []byte("terraform {\n  required_providers {\n    tyk = { source = \"tykdcr/tyk\" }\n  }\n}\n"+many), 0o644))
	// Create the apps first: the measured apply is the accesses alone. A
	// first apply without added latency gives the fixed cost (Terraform,
	// the sandbox and Hydra share this machine's cores).
	e.tf(d, "apply", "-auto-approve", "-input=false", "-target=tyk_portal_app.many")
	baseline, _ := e.tf(d, "apply", "-auto-approve", "-input=false", "-parallelism=10")
	if _, _, err := e.tfErr(d, "destroy", "-auto-approve", "-input=false", "-parallelism=20", "-target=tyk_portal_app_access.many"); err != nil {
		e.tf(d, "destroy", "-auto-approve", "-input=false", "-parallelism=20", "-target=tyk_portal_app_access.many")
	}
	check(e.sb.Faults.Set([]faults.Rule{{UserAgent: "^terraform-provider-tyk/", Kind: faults.Latency, Delay: *latency, Rate: 1}}))
	e.sb.Store.ResetRequests()
	took, rss := e.tf(d, "apply", "-auto-approve", "-input=false", "-parallelism=10")
	e.sb.Faults.Clear()
	total := 0
	for _, r := range e.sb.Store.Requests() {
		if r.Plane != "gateway" {
			total++
		}
	}
	ideal := time.Duration(total) * *latency / 10
	fmt.Fprintf(e.report, "== Parallel apply: %d app accesses, -parallelism=10, %s added to every provider request\n", n, *latency)
	fmt.Fprintf(e.report, "requests (plan + apply, Dashboard and Portal)   %d\n", total)
	fmt.Fprintf(e.report, "wall time                                      %s\n", took.Round(time.Millisecond))
	fmt.Fprintf(e.report, "ideal (requests x %s / 10)                   %s\n", *latency, ideal.Round(time.Millisecond))
	fmt.Fprintf(e.report, "ratio wall / ideal (target <= 1.25)            %.2f\n", float64(took)/float64(ideal))
	fmt.Fprintf(e.report, "same apply without added latency               %s\n", baseline.Round(time.Millisecond))
	fmt.Fprintf(e.report, "ratio (wall - no-latency wall) / ideal         %.2f  (the share due to latency)\n", float64(took-baseline)/float64(ideal))
	fmt.Fprintf(e.report, "provider peak RSS (target < 80 MB)             %.1f MB\n", float64(rss)/(1<<20))
	e.flush()
	e.teardown(d)
}
