package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tykdcr/terraform-provider-tyk/internal/acctest"
)

func TestAccPortalProduct_invalid(t *testing.T) {
	sb := acctest.Sandbox(t)
	cases := map[string]struct{ body, err string }{
		"scope with space":    {`name = "x"` + "\n" + `scopes = ["a b"]`, `single OAuth scope`},
		"scope with comma":    {`name = "x"` + "\n" + `scopes = ["a,b"]`, `single OAuth scope`},
		"name and policy":     {`name = "x"` + "\n" + `policy_id = "0123456789abcdef01234567"`, `Invalid Attribute Combination`},
		"neither":             {`dcr_enabled = true`, `Invalid Attribute Combination`},
		"policy with api_ids": {`policy_id = "0123456789abcdef01234567"` + "\n" + `api_ids = ["a"]`, `Invalid Attribute Combination`},
	}
	for n, tc := range cases {
		t.Run(n, func(t *testing.T) {
			before := acctest.WriteCount(sb)
			resource.UnitTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      fmt.Sprintf("resource \"tyk_portal_product\" \"p\" {\n provider_id = 1\n %s\n}", tc.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.err),
				}},
			})
			if after := acctest.WriteCount(sb); after != before {
				t.Fatalf("invalid config caused %d writes", after-before)
			}
		})
	}
}
