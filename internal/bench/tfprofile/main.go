// Command tfprofile says where Terraform's own CPU goes in the access
// benchmark, on the provider's side and on terraform_data's. It reads the
// perf profiles that scripts/perf-terraform.sh recorded (make
// bench-profile) and names Terraform's frames from the binary's Go line
// table (.gopclntab), which a release build keeps although it has no symbol
// table for perf to use.
//
//	go run ./internal/bench/tfprofile -binary "$(command -v terraform)" DIR
package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"debug/gosym"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

var (
	binary = flag.String("binary", "", "the terraform binary the profiles were recorded from (default: terraform on PATH)")
	freq   = flag.Float64("freq", 499, "perf's sampling frequency (scripts/perf-terraform.sh: 499 per CPU-second)")
	top    = flag.Int("top", 15, "functions listed by the difference between the sides")
	within = flag.String("category", "", "list the functions by difference within this category only (e.g. other)")
)

// category is a share of Terraform's CPU, found by a function on the stack;
// the first category whose function is on a sample's stack takes it.
type category struct{ name, marker string }

var categories = []category{
	// Terraform writes the whole state file after every instance it
	// applies, under the state lock (internal/terraform/update_state_hook.go,
	// internal/states/statemgr/filesystem.go): a deep copy, three
	// serialisations (two in StatesMarshalEqual) and an fsync.
	{"state file rewritten after each instance", "statemgr.(*Filesystem).writeState"},
	// A reference to one instance of a resource with count decodes the
	// stored JSON of every instance of that resource
	// (internal/terraform/evaluate.go).
	{"references: decoding a referenced resource's instances", "(*evaluationStateData).GetResource"},
	{providerCalls, "internal/plugin6."},
	{providerCalls, "google.golang.org/grpc"},
	{providerCalls, "go-cty/cty/msgpack."},
	{providerCalls, "internal/builtin/providers/terraform."},
	{"garbage collection (background)", "runtime.gcBgMarkWorker"},
}

const (
	providerCalls = "provider calls (gRPC and msgpack, or the built-in provider)"
	other         = "other"
)

// run is one profiled terraform command of the benchmark.
type run struct {
	side  string // provider or terraform_data
	phase string // plan or apply
	n     int
	data  string
}

// roundDir is the directory of one side of one round of internal/bench's
// access benchmark (accesses(): "accesses-acc<n>r<round>" for the
// provider, "core-acc<n>r<round>" for terraform_data).
var roundDir = regexp.MustCompile(`^(accesses|core)-acc(\d+)r\d+$`)

// parseArgs reads a command's .args line (its arguments); ok is false for
// the commands the benchmark does not measure (setup, teardown).
func parseArgs(line string) (side, phase string, n int, ok bool) {
	fields := strings.Fields(line)
	var dir string
	for _, f := range fields {
		if d, found := strings.CutPrefix(f, "-chdir="); found {
			dir = filepath.Base(d)
		}
	}
	m := roundDir.FindStringSubmatch(dir)
	if m == nil {
		return "", "", 0, false
	}
	side = "provider"
	if m[1] == "core" {
		side = "terraform_data"
	}
	n, _ = strconv.Atoi(m[2])
	switch {
	case slices.Contains(fields, "plan") && slices.Contains(fields, "-out=bench.tfplan"):
		phase = "plan"
	case slices.Contains(fields, "apply") && slices.Contains(fields, "bench.tfplan"):
		phase = "apply"
	default:
		return "", "", 0, false
	}
	return side, phase, n, true
}

// symbolizer names addresses of a Go binary from its line table.
type symbolizer struct {
	tab   *gosym.Table
	loads []*elf.Prog
	cache map[uint64]string
}

func newSymbolizer(path string) (*symbolizer, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	pcln, text := f.Section(".gopclntab"), f.Section(".text")
	if pcln == nil || text == nil {
		return nil, fmt.Errorf("%s: no .gopclntab or .text section", path)
	}
	data, err := pcln.Data()
	if err != nil {
		return nil, err
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr))
	if err != nil {
		return nil, err
	}
	s := &symbolizer{tab: tab, cache: map[uint64]string{}}
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p.Flags&elf.PF_X != 0 {
			s.loads = append(s.loads, p)
		}
	}
	return s, nil
}

// name is the function at a file offset: perf prints the addresses it
// cannot name relative to the file, not as virtual addresses.
func (s *symbolizer) name(off uint64) string {
	if n, ok := s.cache[off]; ok {
		return n
	}
	n := "?"
	for _, p := range s.loads {
		if off >= p.Off && off < p.Off+p.Filesz {
			if fn := s.tab.PCToFunc(off - p.Off + p.Vaddr); fn != nil {
				n = fn.Name
			}
		}
	}
	s.cache[off] = n
	return n
}

// parseScript reads `perf script -F comm,ip` output: a line with the
// command's name, then one frame address per line, then a blank line. It
// returns the stacks (leaf first) of the samples of the command named comm;
// kernel frames are kept as "[kernel]".
func parseScript(r io.Reader, comm string, s *symbolizer) [][]string {
	var stacks [][]string
	var cur []string
	in := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	flush := func() {
		if in && len(cur) > 0 {
			stacks = append(stacks, cur)
		}
		cur, in = nil, false
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case line[0] != ' ' && line[0] != '\t':
			flush()
			in = strings.TrimSpace(line) == comm
		case in:
			addr := strings.Fields(line)[0]
			if strings.HasPrefix(addr, "ffff") {
				cur = append(cur, "[kernel]")
				continue
			}
			off, err := strconv.ParseUint(addr, 16, 64)
			if err != nil {
				continue
			}
			cur = append(cur, s.name(off))
		}
	}
	flush()
	return stacks
}

// categorize is the category of a stack.
func categorize(stack []string) string {
	for _, c := range categories {
		for _, fn := range stack {
			if strings.Contains(fn, c.marker) {
				return c.name
			}
		}
	}
	return other
}

// tally is one side's samples: by category, by function (inclusive) and in all.
type tally struct {
	total     int
	byCat     map[string]int
	inclusive map[string]int
	byPhase   map[string]int
}

func newTally() *tally {
	return &tally{byCat: map[string]int{}, inclusive: map[string]int{}, byPhase: map[string]int{}}
}

func (t *tally) add(phase string, stacks [][]string) {
	for _, st := range stacks {
		t.total++
		t.byPhase[phase]++
		cat := categorize(st)
		t.byCat[cat]++
		if *within != "" && !strings.HasPrefix(cat, *within) {
			continue
		}
		seen := map[string]bool{}
		for _, fn := range st {
			if !seen[fn] {
				seen[fn] = true
				t.inclusive[fn]++
			}
		}
	}
}

func main() {
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: tfprofile [-binary terraform] DIR (the profiles of scripts/perf-terraform.sh)")
		os.Exit(2)
	}
	bin := *binary
	if bin == "" {
		p, err := exec.LookPath("terraform")
		check(err)
		bin = p
	}
	sym, err := newSymbolizer(bin)
	check(err)
	runs := findRuns(flag.Arg(0))
	if len(runs) == 0 {
		check(fmt.Errorf("no profiled plan or apply of bench.tfplan in %s", flag.Arg(0)))
	}
	sides := map[int]map[string]*tally{}
	for _, r := range runs {
		var out bytes.Buffer
		cmd := exec.Command("perf", "script", "-i", r.data, "-F", "comm,ip")
		cmd.Stdout = &out
		check(cmd.Run())
		if sides[r.n] == nil {
			sides[r.n] = map[string]*tally{"provider": newTally(), "terraform_data": newTally()}
		}
		sides[r.n][r.side].add(r.phase, parseScript(&out, "terraform", sym))
	}
	ns := make([]int, 0, len(sides))
	for n := range sides {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	for _, n := range ns {
		report(os.Stdout, n, sides[n]["provider"], sides[n]["terraform_data"])
	}
}

// findRuns lists the profiled commands the benchmark measures.
func findRuns(dir string) []run {
	files, err := filepath.Glob(filepath.Join(dir, "*.args"))
	check(err)
	var runs []run
	for _, f := range files {
		b, err := os.ReadFile(f)
		check(err)
		side, phase, n, ok := parseArgs(string(b))
		if !ok {
			continue
		}
		runs = append(runs, run{side: side, phase: phase, n: n, data: strings.TrimSuffix(f, ".args") + ".data"})
	}
	return runs
}

func report(w io.Writer, n int, prov, core *tally) {
	sec := func(samples int) float64 { return float64(samples) / *freq }
	fmt.Fprintf(w, "== Terraform's own CPU, %d accesses (plan + apply; perf, %.0f samples per CPU-second)\n", n, *freq)
	fmt.Fprintf(w, "%-62s %16s %16s %9s\n", "", "provider side", "terraform_data", "diff")
	row := func(name string, a, b int) {
		fmt.Fprintf(w, "%-62s %7.1fs %6.1f%% %7.1fs %6.1f%% %+8.1fs\n", name, sec(a), pct(a, prov.total), sec(b), pct(b, core.total), sec(a-b))
	}
	names := []string{}
	for _, c := range categories {
		if !slices.Contains(names, c.name) {
			names = append(names, c.name)
		}
	}
	for _, c := range append(names, other) {
		row(c, prov.byCat[c], core.byCat[c])
	}
	for _, ph := range []string{"plan", "apply"} {
		row("all of "+ph, prov.byPhase[ph], core.byPhase[ph])
	}
	row("all", prov.total, core.total)
	fmt.Fprintf(w, "functions by the difference (inclusive, seconds: provider side, terraform_data, difference):\n")
	type d struct {
		fn   string
		a, b int
	}
	var ds []d
	for fn, a := range prov.inclusive {
		ds = append(ds, d{fn, a, core.inclusive[fn]})
	}
	for fn, b := range core.inclusive {
		if _, ok := prov.inclusive[fn]; !ok {
			ds = append(ds, d{fn, 0, b})
		}
	}
	sort.Slice(ds, func(i, j int) bool {
		if x, y := abs(ds[i].a-ds[i].b), abs(ds[j].a-ds[j].b); x != y {
			return x > y
		}
		return ds[i].fn < ds[j].fn
	})
	for _, x := range ds[:min(*top, len(ds))] {
		fmt.Fprintf(w, "  %7.1fs %7.1fs %+7.1fs  %s\n", sec(x.a), sec(x.b), sec(x.a-x.b), x.fn)
	}
	_, _ = fmt.Fprintln(w)
}

func pct(a, total int) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(a) / float64(total)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "tfprofile:", err)
		os.Exit(1)
	}
}
