// Command bench measures the provider against the sandbox and a real Hydra
// and writes the numbers to a file (make bench). It asserts nothing: compare
// the files of two commits.
//
//  1. Refresh cost: for N = 50 objects of each type (-sizes), the requests a
//     `terraform plan` after apply sends, per object and type (target: one
//     read per object, plus one IdP read per access when verify_idp_client).
//     Then each plural data source, refreshed alone over everything: its
//     requests against one list request per page plus documented reads.
//     Then each type alone (lifecycle.go): its requests per object to
//     create, update in place and delete, next to the minimal sequence.
//  2. App accesses: n = 50, 200, 800 created at -parallelism=10 against
//     the same graph of terraform_data (coreMirror: a terraform_data for
//     each resource, with the same counts and references; core ratio,
//     target <= 1.25),
//     Portal requests per create (target: minimal + 1), provider peak RSS
//     (target 80 MB) and CPU, the in-process sandbox's CPU (target: below
//     the provider's); 200 over the same apps, alternately without and
//     with 25 ms added to every request, three times each
//     (-latency-rounds; the latency share against the minimal sequence,
//     target <= 1.25); the provider's log lines with TF_LOG unset. The
//     last lines are machine-readable, one per goal.
package main

import (
	"flag"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/faults"
)

var (
	out         = flag.String("out", "bench-results.txt", "where to write the results")
	terraform   = flag.String("terraform", "terraform", "terraform or tofu binary")
	sizes       = flag.String("sizes", "50", "object counts for the refresh benchmark")
	accessSizes = flag.String("access-sizes", "50,200,800", "app access counts for the create benchmark (against terraform_data)")
	latency     = flag.Duration("latency", 25*time.Millisecond, "latency added to every provider request")
	latencyN    = flag.Int("latency-n", 200, "app accesses for the latency benchmark (0: skip)")
	cpuProfile  = flag.String("cpuprofile", "", "write the benchmark process's CPU profile (the in-process sandbox's) to this file")
	rounds      = flag.Int("rounds", 3, "alternating runs of each side of the access benchmark (the fastest of each is kept)")
	lifecycleN  = flag.Int("lifecycle-n", 20, "objects of each type for the per-type create/update/delete counts (0: skip)")
	// Each round is about 30 s. The share is the difference of two walls
	// of 8-11 s over a 2 s denominator: a second of noise in either wall
	// moves it by 0.5.
	latencyRounds = flag.Int("latency-rounds", 3, "alternating runs without and with latency (the fastest of each is kept)")
	coreGraph     = flag.String("core-graph", "mirror", "the terraform_data side of the access benchmark: mirror (the provider configuration's resources and references, see coreMirror) or single (n apps and n accesses referencing one app each, the shape measured until 2026-12-05)")
	keepWork      = flag.Bool("keep-work", false, "keep the working directory (configurations, state) and say where it is")
)

type env struct {
	root, work string
	// providerDir holds the provider binary Terraform runs: "" for
	// wrapDir's provwrap (which records each provider process's CPU and peak
	// RSS in usageDir), or a wrapper that keeps its stderr.
	providerDir       string
	wrapDir, usageDir string
	sb                *sandbox.Sandbox
	h                 *acctest.Hydra
	idpReads          atomic.Int64
	providerIdP       atomic.Int64 // the provider's own IdP requests
	report            *strings.Builder
	// lastTFCPU is the CPU of the last terraform command, with the
	// provider processes it waited for (provwrap's own CPU left out), and
	// lastProviderCPU that of its provider processes.
	lastTFCPU, lastProviderCPU time.Duration
	start                      time.Time
}

func main() {
	flag.Parse()
	if *coreGraph != "mirror" && *coreGraph != "single" {
		check(fmt.Errorf("-core-graph %q: mirror or single", *coreGraph))
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer func() { pprof.StopCPUProfile(); _ = f.Close() }()
	}
	root := acctest.RepoRoot()
	work, err := os.MkdirTemp("", "tyk-bench-")
	check(err)
	if !*keepWork {
		defer os.RemoveAll(work)
	} else {
		fmt.Fprintln(os.Stderr, "bench: working directory kept:", work)
	}
	e := &env{root: root, work: work, report: &strings.Builder{}, start: time.Now(),
		wrapDir: filepath.Join(work, "provwrap"), usageDir: filepath.Join(work, "usage")}
	build := exec.Command("go", "build", "-o", filepath.Join(e.wrapDir, "terraform-provider-tyk"), "./internal/bench/provwrap")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	check(build.Run())

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
			if strings.HasPrefix(r.UserAgent(), "terraform-provider-tyk") {
				e.providerIdP.Add(1)
			}
			rp.ServeHTTP(w, r)
		}))
	}()

	// Hydra's signing keys are generated once, before anything is measured.
	check(e.h.Warm())

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
	if *lifecycleN > 0 {
		e.lifecycle(*lifecycleN)
	}
	var sizesN []int
	for _, v := range strings.Split(*accessSizes, ",") {
		if strings.TrimSpace(v) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		check(err)
		sizesN = append(sizesN, n)
	}
	if len(sizesN) == 0 {
		check(os.WriteFile(*out, []byte(e.report.String()), 0o644))
		fmt.Print(e.report.String())
		return
	}
	g := e.accessBenchmarks(sizesN, *latency)
	g.logLinesPerAccess = e.logLines(20)
	fmt.Fprintf(e.report, "create-requests-per-access: %.2f (minimal %d)\n", g.createPerAccess, minimalCreate)
	fmt.Fprintf(e.report, "latency-ratio-minimal: %.2f (target 1.25)\n", g.latencyRatio)
	fmt.Fprintf(e.report, "core-ratio-n800: %.2f (target 1.25)\n", g.coreRatio)
	fmt.Fprintf(e.report, "provider-rss-mb-n800: %.1f (target 80)\n", g.rssMB800)
	fmt.Fprintf(e.report, "sandbox-cpu-share-n800: %.2f (target < 1: sandbox CPU / provider CPU)\n", g.sandboxShare800)
	fmt.Fprintf(e.report, "provider-log-lines-per-access: %.1f (TF_LOG unset)\n", g.logLinesPerAccess)
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

// flush writes the report so far, so a late failure keeps the numbers, and
// says on stderr how long the benchmark has run.
func (e *env) flush() {
	_ = os.WriteFile(*out, []byte(e.report.String()), 0o644)
	lines := strings.Split(strings.TrimRight(e.report.String(), "\n"), "\n")
	fmt.Fprintf(os.Stderr, "bench %s: %s\n", time.Since(e.start).Round(time.Second), lines[len(lines)-1])
}

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
	provDir := e.providerDir
	if provDir == "" {
		provDir = e.wrapDir
	}
	check(os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"tykdcr/tyk\" = %q\n  }\n  direct {}\n}\n", provDir)), 0o644))
	check(os.RemoveAll(e.usageDir))
	check(os.MkdirAll(e.usageDir, 0o755))
	cmd := exec.Command(*terraform, append([]string{"-chdir=" + dir}, args...)...)
	// Runs as users run them: no log requested (TF_LOG* unset).
	var environ []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_LOG") && !strings.HasPrefix(kv, "TF_ACC_LOG") {
			environ = append(environ, kv)
		}
	}
	cmd.Env = append(environ, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1",
		"TYK_BENCH_PROVIDER="+filepath.Join(e.root, "bin", "terraform-provider-tyk"), "TYK_BENCH_USAGE_DIR="+e.usageDir,
		"TYK_DASHBOARD_URL="+e.sb.DashboardURL, "TYK_DASHBOARD_TOKEN="+acctest.DashboardToken,
		"TYK_PORTAL_URL="+e.sb.PortalURL, "TYK_PORTAL_TOKEN="+acctest.PortalToken, "TYK_MAX_RETRIES=2")
	logf, err := os.Create(filepath.Join(e.work, "terraform.out"))
	check(err)
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	peak, providerCPU, wrapCPU := e.providerUsage()
	e.lastProviderCPU = providerCPU
	if cmd.ProcessState != nil {
		e.lastTFCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime() - wrapCPU
	}
	if err != nil {
		b, _ := os.ReadFile(filepath.Join(e.work, "terraform.out"))
		return took, peak, fmt.Errorf("terraform %v: %v\n%s", args, err, tailStr(string(b), 3000))
	}
	return took, peak, nil
}

// providerUsage sums what provwrap recorded for the provider processes of
// the last command: the largest peak RSS (bytes), their CPU, and provwrap's
// own CPU.
func (e *env) providerUsage() (peak int64, cpu, wrapCPU time.Duration) {
	entries, _ := os.ReadDir(e.usageDir)
	for _, en := range entries {
		b, err := os.ReadFile(filepath.Join(e.usageDir, en.Name()))
		if err != nil {
			continue
		}
		var c, rssKiB, w int64
		if _, err := fmt.Sscan(string(b), &c, &rssKiB, &w); err != nil {
			continue
		}
		peak = max(peak, rssKiB*1024)
		cpu += time.Duration(c)
		wrapCPU += time.Duration(w)
	}
	return peak, cpu, wrapCPU
}

func tailStr(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// fileSize is the size of a file (0 when absent).
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// tfCPU is tf that also returns the CPU time of the provider processes.
func (e *env) tfCPU(dir string, args ...string) (time.Duration, int64, time.Duration) {
	took, rss := e.tf(dir, args...)
	return took, rss, e.lastProviderCPU
}

// pidCPU is a process's CPU time so far (0 when unknown).
func pidCPU(pid int) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil || pid <= 0 {
		return 0
	}
	i := strings.LastIndexByte(string(stat), ')')
	f := strings.Fields(string(stat)[i+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * time.Second / 100
}

// processCPU is this process's CPU time (the in-process sandbox's, mostly).
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (e *env) dir(name, config string) string {
	d := filepath.Join(e.work, name)
	check(os.MkdirAll(d, 0o755))
	e.writeConfig(d, config)
	return d
}

// kinds classifies a sandbox request path by the resource that reads it.
var kinds = []struct {
	name string
	re   *regexp.Regexp
}{
	{"tyk_policy", regexp.MustCompile(`^/api/portal/policies/[0-9a-f]{24}$`)},
	{"tyk_api + its tyk_api_scope_mapping (one read, shared)", regexp.MustCompile(`^/api/apis/[^/]+$`)},
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
	e.sb.Store.ResetRequests()
	applyTook, _ := e.tf(d, "apply", "-auto-approve", "-input=false", "-parallelism=20")
	created, createdBy := providerRequests(e)
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
	minimal := 0
	for _, s := range lifecycleSteps {
		minimal += s.min[0]
	}
	// refreshConfig's plans approve automatically: no approval request.
	fmt.Fprintf(e.report, "creating everything in one apply (plan and apply): %.2f provider requests per set of %d objects (the minimal creates add up to %d, with auto-approval)\n",
		float64(created)/float64(n), len(lifecycleSteps), minimal-1)
	fmt.Fprintf(e.report, "  by request, per set: %s\n", perObject(createdBy, n))
	fmt.Fprintf(e.report, "%-55s %8s %10s\n", "reads of", "requests", "per object")
	for _, k := range kinds {
		per := float64(counts[k.name]) / float64(n)
		fmt.Fprintf(e.report, "%-55s %8d %10.2f\n", k.name, counts[k.name], per)
	}
	fmt.Fprintf(e.report, "%-55s %8d %10.2f\n", "IdP RFC 7592 reads (verify_idp_client)", e.idpReads.Load(), float64(e.idpReads.Load())/float64(n))
	keys := slices.Sorted(maps.Keys(other))
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

// accessRun is one measured apply of n app accesses (or of n
// terraform_data resources of the same graph shape).
type accessRun struct {
	planWall, applyWall     time.Duration
	planReqs, applyReqs     int // the provider's Dashboard + Portal requests
	applyByPath             map[string]int
	rss                     int64
	providerCPU, sandboxCPU time.Duration
	coreCPU                 time.Duration   // terraform's own (its CPU less the provider's)
	idpCPU                  time.Duration   // Hydra's (the Portal's DCR registrations, the provider's RFC 7592 reads)
	roundWalls              []time.Duration // accesses: every round's wall, in order (the run kept is the fastest)
	stateBefore, stateAfter int64           // the size of terraform.tfstate before the plan and after the apply (bytes)
}

func (r accessRun) wall() time.Duration { return r.planWall + r.applyWall }

func roundsString(walls []time.Duration) string {
	var parts []string
	for _, w := range walls {
		parts = append(parts, w.Round(100*time.Millisecond).String())
	}
	return strings.Join(parts, ", ")
}

// minimalCreate is the minimal Portal sequence of one access: provision,
// find the new request (the app's list), approve, read the credential.
const minimalCreate = 4

// planApply runs `terraform plan -out` then `terraform apply` of that plan,
// counting the requests of each phase.
func (e *env) planApply(d string, par int) accessRun {
	var r accessRun
	r.stateBefore = fileSize(filepath.Join(d, "terraform.tfstate"))
	cpu0, idp0 := processCPU(), pidCPU(e.h.Pid())
	e.sb.Store.ResetRequests()
	var rss1, rss2 int64
	var cpu1, cpu2 time.Duration
	r.planWall, rss1, cpu1 = e.tfCPU(d, "plan", "-input=false", fmt.Sprintf("-parallelism=%d", par), "-out=bench.tfplan")
	core1 := e.lastTFCPU
	r.planReqs, _ = providerRequests(e)
	e.sb.Store.ResetRequests()
	r.applyWall, rss2, cpu2 = e.tfCPU(d, "apply", "-input=false", fmt.Sprintf("-parallelism=%d", par), "bench.tfplan")
	r.coreCPU = max(0, core1+e.lastTFCPU-cpu1-cpu2)
	r.applyReqs, r.applyByPath = providerRequests(e)
	r.rss, r.providerCPU = max(rss1, rss2), cpu1+cpu2
	// The sandbox runs in this process, which otherwise waits: its CPU is
	// this process's.
	r.sandboxCPU = processCPU() - cpu0
	r.idpCPU = pidCPU(e.h.Pid()) - idp0
	r.stateAfter = fileSize(filepath.Join(d, "terraform.tfstate"))
	return r
}

// accesses measures creating n app accesses at -parallelism=10 (the apps
// exist already) against creating n terraform_data resources of the same
// graph shape, in the same run. With rounds > 1 the two alternate and the
// fastest run of each side is kept: what a busy 2-core machine adds to one
// run is noise, not the provider's cost.
//
// Each round starts both sides from scratch, in new directories, with new
// apps (names tagged with the round): every round measures the same state
// sizes, and destroying 800 accesses between rounds (about 70 s of a
// round's 2.5 minutes, revocations and IdP deletions that measure nothing
// here) pays for a third round within make bench's time. The objects stay
// in the sandbox and in Hydra, whose lookups are indexed; destroy tears
// every round's objects down (the log-line count includes the destroys).
func (e *env) accesses(n, rounds int, destroy bool) (prov, core accessRun) {
	var provWalls, coreWalls []time.Duration
	defer func() { prov.roundWalls, core.roundWalls = provWalls, coreWalls }()
	for round := range rounds {
		tag := fmt.Sprintf("acc%dr%d", n, round)
		d, apps, withAccesses := e.accessSetup(n, tag)
		// terraform_data: the same graph (coreMirror), or n nodes that
		// exist and n new ones depending on one each.
		var coreApps, coreWith string
		switch *coreGraph {
		case "mirror":
			coreApps, coreWith = coreMirror(apps), coreMirror(withAccesses)
		case "single":
			coreApps = fmt.Sprintf("resource \"terraform_data\" \"app\" {\n  count = %d\n  input = \"app-${count.index}\"\n}\n", n)
			coreWith = coreApps + fmt.Sprintf(`
resource "terraform_data" "access" {
  count = %d
  input = terraform_data.app[count.index].id
}
`, n)
		}
		// No provider but Terraform's own in this directory.
		cd := filepath.Join(e.work, "core-"+tag)
		check(os.MkdirAll(cd, 0o755))
		check(os.WriteFile(filepath.Join(cd, "main.tf"), []byte(coreApps), 0o644))
		e.tf(cd, "apply", "-auto-approve", "-input=false", "-parallelism=20")
		p := e.applyAccesses(d, withAccesses, 0)
		check(os.WriteFile(filepath.Join(cd, "main.tf"), []byte(coreWith), 0o644))
		c := e.planApply(cd, 10)
		provWalls, coreWalls = append(provWalls, p.wall()), append(coreWalls, c.wall())
		if round == 0 || p.wall() < prov.wall() {
			prov = p
		}
		if round == 0 || c.wall() < core.wall() {
			core = c
		}
		if destroy {
			e.teardown(d)
		}
	}
	return prov, core
}

// accessSetup applies n apps (and one of each other type, their names
// tagged with tag) for n accesses to be created against; it returns the
// directory, the configuration without the accesses and the one with them.
func (e *env) accessSetup(n int, tag string) (d, apps, withAccesses string) {
	wellKnownURL = e.h.WellKnownURL
	apps, withAccesses = accessConfigs(n, tag, e.sb.DashboardURL)
	d = e.dir("accesses-"+tag, apps)
	e.tf(d, "apply", "-auto-approve", "-input=false", "-parallelism=20")
	return d, apps, withAccesses
}

// accessConfigs is the configuration of n apps (and one of each other
// type) and the same with an access for each app.
func accessConfigs(n int, tag, dashboardURL string) (apps, withAccesses string) {
	base := strings.Replace(refreshConfig(1, tag), `"http://dashboard.invalid"`, strconv.Quote(dashboardURL), 1)
	base = strings.Replace(base, "resource \"tyk_portal_app_access\" \"acc\" {\n  count          = 1", "resource \"tyk_portal_app_access\" \"acc\" {\n  count          = 0", 1)
	// Approval by an admin, as in the seed flow (not auto-approval).
	base = strings.Replace(base, "auto_approve_access_requests = true", "auto_approve_access_requests = false", 1)
	apps = base + fmt.Sprintf(`
resource "tyk_portal_app" "many" {
  count   = %[1]d
  user_id = tyk_portal_user.u[0].id
  name    = "%[2]s-many-${count.index}"
}
`, n, tag)
	withAccesses = apps + fmt.Sprintf(`
resource "tyk_portal_app_access" "many" {
  count          = %[1]d
  app_id         = tyk_portal_app.many[count.index].id
  product_ids    = [tyk_portal_product.pr[0].id]
  plan_id        = tyk_portal_plan.pl[0].id
  client_type_id = tyk_portal_client_type.c[0].id
}
`, n)
	return apps, withAccesses
}

// applyAccesses plans and applies config (the accesses) in d at
// -parallelism=10, with latency added to every provider request.
func (e *env) applyAccesses(d, config string, latency time.Duration) accessRun {
	e.writeConfig(d, config)
	if latency > 0 {
		check(e.sb.Faults.Set([]faults.Rule{{UserAgent: "^terraform-provider-tyk/", Kind: faults.Latency, Delay: latency, Rate: 1}}))
	}
	defer e.sb.Faults.Clear()
	return e.planApply(d, 10)
}

// writeConfig makes config d's configuration, with the provider's source.
func (e *env) writeConfig(d, config string) {
	check(os.WriteFile(filepath.Join(d, "main.tf"), []byte("terraform {\n  required_providers {\n    tyk = { source = \"tykdcr/tyk\" }\n  }\n}\n"+config), 0o644))
}

// latencyPairs creates n accesses over the same apps, alternately without
// and with latency, rounds times each (the accesses are destroyed between
// runs), and returns the fastest run of each: the difference is what the
// latency costs, with the noise of separate setups and of a busy machine
// kept out as far as a 2-core machine allows.
func (e *env) latencyPairs(n int, latency time.Duration, rounds int) (base, slow accessRun) {
	d, apps, withAccesses := e.accessSetup(n, fmt.Sprintf("lat%d", n))
	for range rounds {
		for _, lat := range []time.Duration{0, latency} {
			r := e.applyAccesses(d, withAccesses, lat)
			best := &base
			if lat > 0 {
				best = &slow
			}
			if best.applyWall == 0 || r.wall() < best.wall() {
				*best = r
			}
			e.writeConfig(d, apps)
			e.tf(d, "apply", "-auto-approve", "-input=false", "-parallelism=20")
		}
	}
	e.teardown(d)
	return base, slow
}

// logLines counts the lines the provider writes to stderr (its log
// output, which Terraform reads) while n accesses are created with no log
// requested, per access.
func (e *env) logLines(n int) float64 {
	wrap := filepath.Join(e.work, "wrapped")
	check(os.MkdirAll(wrap, 0o755))
	logFile := filepath.Join(e.work, "provider-stderr.log")
	script := fmt.Sprintf("#!/bin/sh\nexec %q \"$@\" 2>>%q\n", filepath.Join(e.root, "bin", "terraform-provider-tyk"), logFile)
	check(os.WriteFile(filepath.Join(wrap, "terraform-provider-tyk"), []byte(script), 0o755))
	e.providerDir = wrap
	defer func() { e.providerDir = "" }()
	_ = os.Remove(logFile)
	e.accesses(n, 1, true)
	b, _ := os.ReadFile(logFile)
	lines := strings.Count(string(b), "\n")
	fmt.Fprintf(e.report, "== Provider log output with TF_LOG unset: %d lines (%d bytes) for %d accesses created and destroyed\n\n", lines, len(b), n)
	e.flush()
	return float64(lines) / float64(n)
}

// goals holds the machine-readable results (bench-results.txt's last lines).
type goals struct {
	createPerAccess                   float64
	latencyRatio, coreRatio, rssMB800 float64
	sandboxShare800                   float64
	logLinesPerAccess                 float64
}

func (e *env) accessBenchmarks(sizes []int, latency time.Duration) goals {
	var g goals
	fmt.Fprintf(e.report, "== App accesses: n created at -parallelism=10 (apps exist), against the same graph of terraform_data (-core-graph %s)\n", *coreGraph)
	fmt.Fprintf(e.report, "%6s %10s %10s %7s %14s %11s %11s %9s %12s %12s %10s %12s %12s\n", "n", "provider", "core", "ratio", "create req/acc", "plan req/acc",
		"prov RSS MB", "prov CPU", "sandbox CPU", "sandbox/prov", "Hydra CPU", "TF CPU prov", "TF CPU core")
	for _, n := range sizes {
		prov, core := e.accesses(n, *rounds, false)
		ratio := float64(prov.wall()) / float64(core.wall())
		portal := 0
		for k, v := range prov.applyByPath {
			if strings.Contains(k, "/portal-api/") {
				portal += v
			}
		}
		perCreate := float64(portal) / float64(n)
		share := float64(prov.sandboxCPU) / float64(max(prov.providerCPU, time.Millisecond))
		fmt.Fprintf(e.report, "%6d %10s %10s %7.2f %14.2f %11.2f %11.1f %9s %12s %12.2f %10s %12s %12s\n", n, prov.wall().Round(time.Millisecond),
			core.wall().Round(time.Millisecond), ratio, perCreate, float64(prov.planReqs)/float64(n), float64(prov.rss)/(1<<20),
			prov.providerCPU.Round(time.Millisecond), prov.sandboxCPU.Round(time.Millisecond), share, prov.idpCPU.Round(time.Millisecond),
			prov.coreCPU.Round(time.Millisecond), core.coreCPU.Round(time.Millisecond))
		fmt.Fprintf(e.report, "       plan + apply: provider %s + %s, terraform_data %s + %s\n", prov.planWall.Round(time.Millisecond), prov.applyWall.Round(time.Millisecond),
			core.planWall.Round(time.Millisecond), core.applyWall.Round(time.Millisecond))
		fmt.Fprintf(e.report, "       every round (plan + apply, the fastest of each side kept): provider %s, terraform_data %s\n",
			roundsString(prov.roundWalls), roundsString(core.roundWalls))
		// The physical limit: the provider run's processes need this much
		// CPU, and this machine has runtime.NumCPU() cores; no schedule
		// finishes sooner than all of it spread over all of them.
		cores := time.Duration(runtime.NumCPU())
		others := prov.coreCPU + prov.sandboxCPU + prov.idpCPU
		fmt.Fprintf(e.report, "       CPU floor on %d cores: %.2f x terraform_data's wall (all the run's CPU: Terraform %s, provider %s, sandbox %s, Hydra %s); %.2f with a provider that used no CPU\n",
			runtime.NumCPU(), float64((others+prov.providerCPU)/cores)/float64(core.wall()), prov.coreCPU.Round(time.Millisecond),
			prov.providerCPU.Round(time.Millisecond), prov.sandboxCPU.Round(time.Millisecond), prov.idpCPU.Round(time.Millisecond),
			float64(others/cores)/float64(core.wall()))
		// Terraform rewrites the whole state file after every instance it
		// applies (statemgr.Filesystem.WriteState, under the state lock):
		// what each new instance adds to the state is paid about n/2 times.
		fmt.Fprintf(e.report, "       state added per new instance: provider %d bytes, terraform_data %d bytes (state after the apply: %d and %d bytes)\n",
			(prov.stateAfter-prov.stateBefore)/int64(n), (core.stateAfter-core.stateBefore)/int64(n), prov.stateAfter, core.stateAfter)
		e.flush()
		g.createPerAccess = perCreate
		switch n {
		case 800:
			g.coreRatio, g.rssMB800, g.sandboxShare800 = ratio, float64(prov.rss)/(1<<20), share
		}
		if n == sizes[len(sizes)-1] && g.coreRatio == 0 {
			g.coreRatio, g.rssMB800, g.sandboxShare800 = ratio, float64(prov.rss)/(1<<20), share
		}
		if n == 200 || (n == sizes[0] && len(sizes) == 1) {
			fmt.Fprintf(e.report, "       requests of the apply phase per access, by request (minimal sequence: %d Portal requests):\n", minimalCreate)
			for _, k := range slices.Sorted(maps.Keys(prov.applyByPath)) {
				fmt.Fprintf(e.report, "         %-60s %6.2f\n", k, float64(prov.applyByPath[k])/float64(n))
			}
		}
	}
	// Latency: the same apply with latency added to every request.
	n := *latencyN
	if n <= 0 {
		return g
	}
	base, slow := e.latencyPairs(n, latency, *latencyRounds)
	ideal := time.Duration(minimalCreate*n) * latency / 10
	g.latencyRatio = float64(slow.wall()-base.wall()) / float64(ideal)
	fmt.Fprintf(e.report, "\n== Latency: %d accesses, -parallelism=10, %s added to every provider request\n", n, latency)
	fmt.Fprintf(e.report, "fastest of %d runs each, alternating, over the same apps: wall %s (plan %s + apply %s); without latency %s\n", *latencyRounds, slow.wall().Round(time.Millisecond), slow.planWall.Round(time.Millisecond),
		slow.applyWall.Round(time.Millisecond), base.wall().Round(time.Millisecond))
	fmt.Fprintf(e.report, "requests: plan %d, apply %d; minimal sequence %d x %d accesses x %s / 10 = %s\n", slow.planReqs, slow.applyReqs,
		minimalCreate, n, latency, ideal.Round(time.Millisecond))
	fmt.Fprintf(e.report, "latency share: (wall - wall without latency) / minimal = %.2f; whole wall / minimal = %.2f\n\n", g.latencyRatio,
		float64(slow.wall())/float64(ideal))
	e.flush()
	return g
}
