package acctest

import (
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox"
)

// CheckPoliciesDestroyed verifies that no tyk_policy in state is left in the
// sandbox.
func CheckPoliciesDestroyed(sb *sandbox.Sandbox) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "tyk_policy" {
				continue
			}
			if _, ok := sb.Store.Policies.Get(rs.Primary.ID); ok {
				return fmt.Errorf("policy %s still exists", rs.Primary.ID)
			}
		}
		return nil
	}
}

// CheckAPIsDestroyed verifies that no tyk_api in state is left.
func CheckAPIsDestroyed(sb *sandbox.Sandbox) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "tyk_api" {
				continue
			}
			if _, ok := sb.Store.APIs.Get(rs.Primary.ID); ok {
				return fmt.Errorf("API %s still exists", rs.Primary.ID)
			}
		}
		return nil
	}
}

// CheckPolicyInSandbox runs fn on the stored policy of a tyk_policy resource.
func CheckPolicyInSandbox(sb *sandbox.Sandbox, addr string, fn func(map[string]any) error) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		doc, ok := sb.Store.Policies.Get(rs.Primary.ID)
		if !ok {
			return fmt.Errorf("policy %s not in sandbox", rs.Primary.ID)
		}
		return fn(doc)
	}
}

// CheckAPIInSandbox runs fn on the stored api_definition of a tyk_api.
func CheckAPIInSandbox(sb *sandbox.Sandbox, apiID func(*terraform.State) string, fn func(map[string]any) error) func(*terraform.State) error {
	return func(s *terraform.State) error {
		id := apiID(s)
		doc, ok := sb.Store.APIs.Get(id)
		if !ok {
			return fmt.Errorf("API %s not in sandbox", id)
		}
		return fn(doc)
	}
}

// AttrOf returns a function reading an attribute of a resource in state.
func AttrOf(addr, attr string) func(*terraform.State) string {
	return func(s *terraform.State) string {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return ""
		}
		return rs.Primary.Attributes[attr]
	}
}

// WriteCount counts non-GET requests the sandbox has answered.
func WriteCount(sb *sandbox.Sandbox) int {
	n := 0
	for _, r := range sb.Store.Requests() {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}
