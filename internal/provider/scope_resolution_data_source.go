package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
)

var _ datasource.DataSource = &ScopeResolutionDataSource{}

// ScopeResolutionDataSource tells what the Gateway does with a token's
// scopes on an API (dashboard.Resolve).
type ScopeResolutionDataSource struct{ resourceBase }

// NewScopeResolutionDataSource returns data.tyk_scope_resolution.
func NewScopeResolutionDataSource() datasource.DataSource { return &ScopeResolutionDataSource{} }

type scopeResolutionModel struct {
	APIID            types.String  `tfsdk:"api_id"`
	Scopes           types.Set     `tfsdk:"scopes"`
	Allowed          types.Bool    `tfsdk:"allowed"`
	Status           types.Int64   `tfsdk:"status"`
	Message          types.String  `tfsdk:"message"`
	PolicyIDs        types.Set     `tfsdk:"policy_ids"`
	RateLimited      types.Bool    `tfsdk:"rate_limited"`
	Rate             types.Float64 `tfsdk:"rate"`
	Per              types.Float64 `tfsdk:"per"`
	QuotaLimited     types.Bool    `tfsdk:"quota_limited"`
	QuotaMax         types.Int64   `tfsdk:"quota_max"`
	QuotaRenewalRate types.Int64   `tfsdk:"quota_renewal_rate"`
}

func (d *ScopeResolutionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scope_resolution"
}

func (d *ScopeResolutionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "What the Tyk Gateway does with a JWT carrying some scopes on a Tyk Classic API: allowed or refused (with the " +
			"status and message the Gateway answers), the policies applied, and the effective rate limit and quota. It is computed " +
			"from the API definition and the policies as the Dashboard holds them, with the Gateway's own rules (Tyk Gateway 5.x " +
			"`gateway/mw_jwt.go`, `internal/policy/apply.go`): the default policies start the session, a token with scopes gets only " +
			"the mapped policies, partitions are merged, an API granted only through an ACL partition inherits the session's root " +
			"limits, and the more generous limit wins. Use it in `check` blocks, e.g. to prove that a token with only the product " +
			"scope is held to a limit. Rate-limit smoothing, endpoint and per-API limits and GraphQL settings are not modelled.",
		Attributes: map[string]schema.Attribute{
			"api_id": schema.StringAttribute{Required: true, Description: "The API's `api_id`."},
			"scopes": schema.SetAttribute{
				ElementType: types.StringType, Required: true,
				Description: "The token's scopes. Empty: a token without a scope claim (the API's default policies apply).",
			},
			"allowed":    schema.BoolAttribute{Computed: true, Description: "Whether the Gateway lets the token through (before rate limit and quota)."},
			"status":     schema.Int64Attribute{Computed: true, Description: "The Gateway's status for a refused token (403, ...); `0` when allowed."},
			"message":    schema.StringAttribute{Computed: true, Description: "The Gateway's error message for a refused token; empty when allowed."},
			"policy_ids": schema.SetAttribute{ElementType: types.StringType, Computed: true, Description: "The policies applied to the token's session."},
			"rate_limited": schema.BoolAttribute{
				Computed: true, Description: "Whether an allowed token is rate limited (`false`: no rate limit, or refused).",
			},
			"rate": schema.Float64Attribute{Computed: true, Description: "Requests allowed per `per` seconds; `0` or less means unlimited."},
			"per":  schema.Float64Attribute{Computed: true, Description: "The rate-limit window in seconds."},
			"quota_limited": schema.BoolAttribute{
				Computed: true, Description: "Whether an allowed token has a quota (`false`: no quota, or refused).",
			},
			"quota_max":          schema.Int64Attribute{Computed: true, Description: "Requests allowed per quota period; `0` or less means unlimited."},
			"quota_renewal_rate": schema.Int64Attribute{Computed: true, Description: "The quota period in seconds."},
		},
	}
}

func (d *ScopeResolutionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *ScopeResolutionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m scopeResolutionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	dc := d.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	api, err := dc.APIView(ctx, m.APIID.ValueString())
	if client.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("api_id"), "API not found", "API "+m.APIID.ValueString()+" does not exist in the Dashboard.")
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read the API", err.Error())
		return
	}
	policies, err := dc.SnapshotPolicies(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not list the policies", err.Error())
		return
	}
	scopes := setStrings(ctx, m.Scopes, &resp.Diagnostics)
	r := dashboard.Resolve(api, scopes, dashboard.Index(policies))
	ids := append([]string(nil), r.Policies...)
	sort.Strings(ids)
	m.Allowed, m.Status, m.Message = types.BoolValue(r.Allowed), types.Int64Value(int64(r.Status)), types.StringValue(r.Message)
	m.PolicyIDs = types.SetValueMust(types.StringType, stringValues(nonNil(ids)))
	m.RateLimited = types.BoolValue(r.Allowed && !r.RateUnlimited())
	m.QuotaLimited = types.BoolValue(r.Allowed && !r.QuotaUnlimited())
	m.Rate, m.Per = types.Float64Value(r.Rate), types.Float64Value(r.Per)
	m.QuotaMax, m.QuotaRenewalRate = types.Int64Value(r.QuotaMax), types.Int64Value(r.QuotaRenewalRate)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
