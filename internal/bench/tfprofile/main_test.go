package main

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		line, side, phase string
		n                 int
		ok                bool
	}{
		{"-chdir=/tmp/b/accesses-acc400r0 plan -input=false -parallelism=10 -out=bench.tfplan", "provider", "plan", 400, true},
		{"-chdir=/tmp/b/core-acc800r2 apply -input=false -parallelism=10 bench.tfplan", "terraform_data", "apply", 800, true},
		// Setup and teardown are not measured.
		{"-chdir=/tmp/b/accesses-acc400r0 apply -auto-approve -input=false -parallelism=20", "", "", 0, false},
		{"-chdir=/tmp/b/accesses-acc20r0 destroy -auto-approve", "", "", 0, false},
		{"-chdir=/tmp/b/refresh-50 plan -out=bench.tfplan", "", "", 0, false},
	} {
		side, phase, n, ok := parseArgs(tc.line)
		if side != tc.side || phase != tc.phase || n != tc.n || ok != tc.ok {
			t.Errorf("parseArgs(%q) = %q %q %d %v, want %q %q %d %v", tc.line, side, phase, n, ok, tc.side, tc.phase, tc.n, tc.ok)
		}
	}
}

// fileOffset is the inverse of what the symbolizer does: the file offset
// perf prints for a virtual address of this binary.
func fileOffset(t *testing.T, s *symbolizer, pc uint64) uint64 {
	t.Helper()
	for _, p := range s.loads {
		if pc >= p.Vaddr && pc < p.Vaddr+p.Filesz {
			return pc - p.Vaddr + p.Off
		}
	}
	t.Fatalf("pc %#x in no executable segment", pc)
	return 0
}

// The test binary names its own functions from its line table, from
// perf's file offsets, and the stacks of other commands are left out.
func TestParseScriptNamesFramesFromTheLineTable(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSymbolizer(exe)
	if err != nil {
		t.Fatal(err)
	}
	leaf := fileOffset(t, s, uint64(reflect.ValueOf(categorize).Pointer()))
	caller := fileOffset(t, s, uint64(reflect.ValueOf(parseArgs).Pointer()))
	script := fmt.Sprintf("terraform \n\tffffffff816034d1 __pud_alloc ([kernel.kallsyms])\n\t%x [unknown] (/x/terraform)\n\t%x [unknown] (/x/terraform)\n\n"+
		"terraform-provi \n\t%x [unknown] (/x/provider)\n\n"+
		"terraform \n\t%x [unknown] (/x/terraform)\n", leaf, caller, leaf, caller)
	stacks := parseScript(strings.NewReader(script), "terraform", s)
	want := [][]string{
		{"[kernel]", "github.com/tykdcr/terraform-provider-tyk/internal/bench/tfprofile.categorize", "github.com/tykdcr/terraform-provider-tyk/internal/bench/tfprofile.parseArgs"},
		{"github.com/tykdcr/terraform-provider-tyk/internal/bench/tfprofile.parseArgs"},
	}
	if !reflect.DeepEqual(stacks, want) {
		t.Fatalf("stacks = %q, want %q", stacks, want)
	}
}

func TestCategorizeTakesTheFirstCategoryOnTheStack(t *testing.T) {
	writeUnderEval := []string{"encoding/json.MarshalIndent", "github.com/hashicorp/terraform/internal/states/statemgr.(*Filesystem).writeState",
		"github.com/hashicorp/terraform/internal/terraform.(*evaluationStateData).GetResource"}
	if got := categorize(writeUnderEval); got != categories[0].name {
		t.Errorf("categorize = %q, want %q", got, categories[0].name)
	}
	if got := categorize([]string{"google.golang.org/grpc/internal/transport.(*loopyWriter).run"}); got != providerCalls {
		t.Errorf("categorize(grpc) = %q", got)
	}
	if got := categorize([]string{"runtime.mallocgc"}); got != other {
		t.Errorf("categorize(mallocgc) = %q", got)
	}
}
