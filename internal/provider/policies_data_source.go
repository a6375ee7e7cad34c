package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
)

type policiesModel struct {
	NameRegex types.String `tfsdk:"name_regex"`
	Tags      []string     `tfsdk:"tags"`
	Policies  []policyItem `tfsdk:"policies"`
}

type policyItem struct {
	ID         string   `tfsdk:"id"`
	Name       string   `tfsdk:"name"`
	Tags       []string `tfsdk:"tags"`
	State      string   `tfsdk:"state"`
	Partitions []string `tfsdk:"partitions"`
	APIIDs     []string `tfsdk:"api_ids"`
	ImportID   string   `tfsdk:"import_id"`
}

// NewPoliciesDataSource returns data.tyk_policies.
func NewPoliciesDataSource() datasource.DataSource {
	return &listDataSource[policiesModel]{
		typeName: "_policies",
		description: "Lists the Dashboard's security policies (GET /api/portal/policies, one request per page), e.g. to find the " +
			"product, plan and No Operation policies of an existing DCR setup and import them.",
		attributes: map[string]schema.Attribute{
			"name_regex": regexFilter("name"),
			"tags": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				Description: "Only policies carrying every one of these tags (e.g. the API provider's `policy_tags`).",
			},
			"policies": itemsAttribute("The matching policies, sorted by id.", map[string]schema.Attribute{
				"id":    computedString("The policy's `_id`, as `tyk_policy.id`."),
				"name":  computedString("Name."),
				"tags":  computedStrings("Tags."),
				"state": computedString("`active`, `draft` or `deny`."),
				"partitions": computedStrings("The enabled partitions (`acl`, `quota`, `rate_limit`, `complexity`, `per_api`): the Portal " +
					"imports a tagged ACL-only policy as a product and a rate-limit/quota policy without ACL as a plan."),
				"api_ids":   computedStrings("The `api_id`s of the APIs in `access_rights`, sorted."),
				"import_id": importIDAttribute("tyk_policy"),
			}),
		},
		read: func(ctx context.Context, d *resourceBase, m *policiesModel, diags *diag.Diagnostics) {
			dash := d.dashboardClient(diags)
			if diags.HasError() {
				return
			}
			all, err := dash.ListPolicies(ctx)
			if err != nil {
				diags.AddError("Could not list Dashboard policies", err.Error())
				return
			}
			match := matcher(m.NameRegex)
			m.Policies = []policyItem{}
			for _, p := range all {
				if !match(p.Name) || !hasAll(p.Tags, m.Tags) {
					continue
				}
				m.Policies = append(m.Policies, policyItemOf(&p))
			}
			sortedBy(m.Policies, func(p policyItem) string { return p.ID })
		},
	}
}

func policyItemOf(p *dashboard.Policy) policyItem {
	var partitions []string
	for name, on := range map[string]bool{
		"acl": p.Partitions.ACL, "quota": p.Partitions.Quota, "rate_limit": p.Partitions.RateLimit,
		"complexity": p.Partitions.Complexity, "per_api": p.Partitions.PerAPI,
	} {
		if on {
			partitions = append(partitions, name)
		}
	}
	apis := make([]string, 0, len(p.AccessRights))
	for id := range p.AccessRights {
		apis = append(apis, id)
	}
	slices.Sort(partitions)
	slices.Sort(apis)
	return policyItem{
		ID: p.MID, Name: p.Name, Tags: nonNil(p.Tags), State: p.Status(),
		Partitions: nonNil(partitions), APIIDs: apis, ImportID: p.MID,
	}
}

// hasAll tells whether have contains every element of want.
func hasAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
