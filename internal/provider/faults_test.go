package provider_test

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/faults"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// twentyPercent: a fifth of the provider's requests to the Dashboard and the
// Portal fail in one of the ways a real network and server fail.
func twentyPercent() []faults.Rule {
	var rules []faults.Rule
	for _, plane := range []string{"dashboard", "portal"} {
		ua := "^terraform-provider-tyk/"
		rules = append(rules,
			faults.Rule{Plane: plane, UserAgent: ua, Kind: faults.Status, Code: 500, Rate: 0.02},
			faults.Rule{Plane: plane, UserAgent: ua, Kind: faults.Status, Code: 502, Rate: 0.02},
			faults.Rule{Plane: plane, UserAgent: ua, Kind: faults.Status, Code: 503, Rate: 0.02},
			faults.Rule{Plane: plane, UserAgent: ua, Kind: faults.RateLimit, RetryAfter: 1, Rate: 0.02},
			faults.Rule{Plane: plane, UserAgent: ua, Kind: faults.Latency, Delay: 30 * time.Millisecond, Rate: 0.05},
			faults.Rule{Plane: plane, UserAgent: ua, Kind: faults.Latency, Delay: 400 * time.Millisecond, Rate: 0.01},
			faults.Rule{Plane: plane, UserAgent: ua, Kind: faults.DropBefore, Rate: 0.03},
			faults.Rule{Plane: plane, UserAgent: ua, Kind: faults.DropAfter, Rate: 0.03},
		)
	}
	return rules
}

// checkNoDuplicates: every object the flow creates exists once.
func checkNoDuplicates(sb *sandbox.Sandbox, h *acctest.Hydra, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		count := func(coll *store.Collection, field string) map[string]int {
			n := map[string]int{}
			for _, d := range coll.List() {
				if v := fmt.Sprint(d[field]); strings.Contains(v, name) {
					n[v]++
				}
			}
			return n
		}
		for what, counts := range map[string]map[string]int{
			"policy": count(sb.Store.Policies, "name"), "API": count(sb.Store.APIs, "name"),
			"API provider": count(sb.Store.APIProviders, "Name"), "OAuth provider": count(sb.Store.OAuthProviders, "Name"),
			"client type": count(sb.Store.ClientTypes, "Name"), "product": count(sb.Store.Products, "Name"),
			"plan": count(sb.Store.Plans, "Name"), "user": count(sb.Store.Users, "Email"), "app": count(sb.Store.Apps, "Name"),
			"access request": count(sb.Store.AccessRequests, "Client"),
		} {
			for n, c := range counts {
				if c != 1 {
					return fmt.Errorf("%d %ss named %q, want 1", c, what, n)
				}
			}
		}
		clients, err := h.Clients()
		if err != nil {
			return err
		}
		n := 0
		for _, c := range clients {
			if c["client_name"] == name+"-app" {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("Hydra holds %d clients for the app, want 1 (no client without an access request)", n)
		}
		return nil
	}
}

func TestAccFaults_seedFlowUnderTwentyPercent(t *testing.T) {
	name := strings.ReplaceAll(acctest.Name("accfault"), "-", "_")
	sb := acctest.Sandbox(t)
	h := acctest.SharedHydra(t)
	cfg := "provider \"tyk\" {\n  max_retries = 10\n}\n" + acctest.DCRResources(acctest.DefaultTarget(t), h, name, "")
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			seed := uint64(time.Now().UnixNano())
			if v := os.Getenv("FAULT_SEED"); v != "" {
				seed, _ = strconv.ParseUint(v, 10, 64)
			}
			t.Logf("fault seed %d (FAULT_SEED=%d reproduces this run's choices, given the same request order)", seed, seed)
			sb.Faults.Reseed(seed)
			if err := sb.Faults.Set(twentyPercent()); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(sb.Faults.Clear)
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for _, d := range sb.Store.Policies.List() {
				if strings.Contains(fmt.Sprint(d["name"]), name) {
					return fmt.Errorf("policy %v left after destroy", d["name"])
				}
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: resource.ComposeTestCheckFunc(
				checkNoDuplicates(sb, h, name),
				func(*terraform.State) error {
					if n := sb.Faults.Injected.Load(); n < 3 {
						return fmt.Errorf("only %d faults were injected: the test did not test much", n)
					}
					t.Logf("faults injected so far: %d", sb.Faults.Injected.Load())
					return nil
				},
			),
		}},
	})
}

func TestAccFaults_idpBrieflyUnreachable(t *testing.T) {
	name := strings.ReplaceAll(acctest.Name("accidpdown"), "-", "_")
	sb := acctest.Sandbox(t)
	h := acctest.SharedHydra(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t); t.Cleanup(sb.Faults.Clear) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					_ = sb.Faults.Set([]faults.Rule{{Plane: "idp", Kind: faults.Unreachable, Rate: 1}})
				},
				Config:      acctest.DCRConfig(acctest.DefaultTarget(t), h, name, ""),
				ExpectError: regexp.MustCompile(`(?s)Could not approve the access request.*well-known configuration`),
			},
			{
				PreConfig: sb.Faults.Clear,
				Config:    acctest.DCRConfig(acctest.DefaultTarget(t), h, name, ""),
				Check:     checkNoDuplicates(sb, h, name),
			},
		},
	})
}
