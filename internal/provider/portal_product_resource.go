package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

var (
	_ resource.Resource                = &PortalProductResource{}
	_ resource.ResourceWithImportState = &PortalProductResource{}
	_ resource.ResourceWithModifyPlan  = &PortalProductResource{}
)

// PortalProductResource manages an API product.
type PortalProductResource struct{ resourceBase }

// NewPortalProductResource returns tyk_portal_product.
func NewPortalProductResource() resource.Resource { return &PortalProductResource{} }

type productModel struct {
	offeringModel
	APIIDs        types.Set    `tfsdk:"api_ids"`
	DCREnabled    types.Bool   `tfsdk:"dcr_enabled"`
	ClientTypeIDs types.Set    `tfsdk:"client_type_ids"`
	AuthType      types.String `tfsdk:"auth_type"`
}

func emptyInt64Set() types.Set  { return types.SetValueMust(types.Int64Type, nil) }
func emptyStringSet() types.Set { return types.SetValueMust(types.StringType, nil) }

// productOps are the Portal calls of API products.
func productOps(p *portal.Client) offeringOps[portal.Product, portal.ProductInput] {
	return offeringOps[portal.Product, portal.ProductInput]{
		kind: "product", what: "Portal API product",
		readOnce: p.ProductOnce, create: p.CreateProduct, modify: p.ModifyProduct, imported: p.ImportedProduct,
		identity: func(pr *portal.Product) (int64, string, string) { return pr.ID, pr.Name, pr.ReferenceID },
	}
}

func (r *PortalProductResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_product"
}

func (r *PortalProductResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An API product of the Developer Portal (UI: API Products), with its Dynamic Client Registration settings. Two ways in, " +
			"both documented by Tyk: **Portal-first** (Portal 1.13+): set `name` and `api_ids`; the Portal creates the product and its ACL " +
			"policy in the Dashboard, and destroy deletes both. **Dashboard-first** (all versions, Tyk's original DCR recipe): set `policy_id` " +
			"to a partitioned ACL-only `tyk_policy` tagged for the API provider; the resource synchronizes the provider, adopts the product " +
			"the Portal imported, and manages its DCR settings; destroy resets those settings and leaves the product to the Dashboard.",
		Attributes: offeringSchema("product", "partitioned ACL-only policy", "in the catalogue", "api_ids"),
	}
	for name, a := range map[string]schema.Attribute{
		"api_ids": schema.SetAttribute{
			ElementType: types.StringType, Optional: true, Computed: true,
			Description:   "Portal-first: `api_id`s of the product's APIs (UI: APIs); all must use JWT auth for DCR. Dashboard-first: from the policy (read-only).",
			PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			Validators:    []validator.Set{setvalidator.SizeAtLeast(1)},
		},
		"dcr_enabled": schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			Description: "Enable Dynamic Client Registration (UI: App registration configs → Enable dynamic client registration). Default `false`.",
		},
		"scopes": schema.SetAttribute{
			ElementType: types.StringType, Optional: true, Computed: true, Default: setdefault.StaticValue(emptyStringSet()),
			Description: "OAuth scopes given to clients registered for this product (UI: Scopes). Tyk requires one scope per product, unique " +
				"across all products and plans; it must exist in the IdP. Each is a single token without spaces or commas. Uniqueness is " +
				"checked at plan and apply time against the Portal's products and plans, listed once per run.",
			Validators: []validator.Set{setvalidator.ValueStringsAre(scopeValidator())},
		},
		"client_type_ids": schema.SetAttribute{
			ElementType: types.Int64Type, Optional: true, Computed: true, Default: setdefault.StaticValue(emptyInt64Set()),
			Description: "`tyk_portal_client_type` ids developers can choose for this product (UI: Client types).",
		},
		"auth_type": schema.StringAttribute{
			Computed: true, Description: "Authentication type of the product's APIs as the Portal reports it (`jwt` for DCR).",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	} {
		resp.Schema.Attributes[name] = a
	}
}

func (r *PortalProductResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan runs the plan-time checks (modifyOfferingPlan).
func (r *PortalProductResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	modifyOfferingPlan(ctx, r.data, "product", req, resp,
		func(m *productModel) offering { return m.checked() },
		func(m *productModel) { m.Name, m.APIIDs = types.StringUnknown(), types.SetUnknown(types.StringType) })
}

func (m *productModel) input(ctx context.Context, cur *portal.Product, diags *diag.Diagnostics) portal.ProductInput {
	in := portal.ProductInput{
		Name: m.Name.ValueString(), ProviderID: m.ProviderID.ValueInt64(), DisplayName: m.DisplayName.ValueString(),
		Description: m.Description.ValueString(), DCREnabled: m.DCREnabled.ValueBool(),
		Scopes: csvOf(setStrings(ctx, m.Scopes, diags)), Catalogues: nonNil(setInt64s(ctx, m.CatalogueIDs, diags)),
	}
	if cur != nil {
		// Fields the resource does not manage are sent back as they are.
		in.Name, in.Content, in.Path, in.Feature, in.IsDocumentationOnly = cur.Name, cur.Content, cur.Path, cur.Feature, cur.IsDocumentationOnly
		for _, d := range cur.APIDetails {
			in.APIDetails = append(in.APIDetails, portal.APIDetailInput{APIID: d.APIID, Description: d.Description})
		}
	}
	if m.PolicyID.IsNull() && !m.APIIDs.IsUnknown() {
		prior := map[string]string{}
		for _, d := range in.APIDetails {
			prior[d.APIID] = d.Description
		}
		in.APIDetails = nil
		for _, id := range setStrings(ctx, m.APIIDs, diags) {
			in.APIDetails = append(in.APIDetails, portal.APIDetailInput{APIID: id, Description: prior[id]})
		}
	}
	if m.PolicyID.IsNull() && m.Name.ValueString() != "" {
		in.Name = m.Name.ValueString() // Portal-first: the name is the resource's
	}
	in.APIDetails = nonNil(in.APIDetails)
	return in
}

func (r *PortalProductResource) fromAPI(ctx context.Context, p *portal.Client, m *productModel, pr *portal.Product, diags *diag.Diagnostics) {
	m.ID = types.Int64Value(pr.ID)
	m.Name = types.StringValue(pr.Name)
	m.DisplayName = types.StringValue(pr.DisplayName)
	m.Description = types.StringValue(pr.Description)
	m.DCREnabled = types.BoolValue(pr.DCREnabled)
	m.ReferenceID = types.StringValue(pr.ReferenceID)
	m.AuthType = types.StringValue(pr.AuthType)
	var d diag.Diagnostics
	apiIDs := []string{}
	for _, det := range pr.APIDetails {
		apiIDs = append(apiIDs, det.APIID)
	}
	m.APIIDs, d = types.SetValueFrom(ctx, types.StringType, apiIDs)
	diags.Append(d...)
	m.Scopes, d = types.SetValueFrom(ctx, types.StringType, nonNil([]string(portal.ParseCSV(pr.Scopes))))
	diags.Append(d...)
	cats, err := catalogueIDs(ctx, p, pr.Catalogues)
	if err != nil {
		diags.AddError("Could not map product catalogues", err.Error())
		return
	}
	m.CatalogueIDs, d = types.SetValueFrom(ctx, types.Int64Type, cats)
	diags.Append(d...)
}

// readClientTypes reads the product's client types into m (Read).
func (r *PortalProductResource) readClientTypes(ctx context.Context, p *portal.Client, m *productModel, pr *portal.Product, diags *diag.Diagnostics) {
	var d diag.Diagnostics
	cts, err := p.ProductClientTypes(ctx, pr.ID)
	if err != nil {
		diags.AddError("Could not read product client types", err.Error())
		return
	}
	m.ClientTypeIDs, d = types.SetValueFrom(ctx, types.Int64Type, nonNil(cts))
	diags.Append(d...)
}

// Create creates a Portal-first product, or adopts (after a synchronization)
// the product the Portal imported from the Dashboard policy, and sets its
// Portal settings.
func (r *PortalProductResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan productModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, p, &plan, nil, resp.State.Set, &resp.Diagnostics)
	if !plan.ID.IsNull() && !plan.ID.IsUnknown() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// write creates, adopts or updates the product (offeringOps.write), records
// it in state (so that a failure with the client types leaves a resource to
// fix rather than an orphan), then sets its client types: for a new
// Portal-first product, one attach per client type (it has none); for an
// update, nothing unless the configured set changed (prior is the state;
// nil for a create), else the product's list and the attaches and
// detaches. The answers are the new state: the write's answer is the
// product (tyk-specs Product-show), and the client types are what was set;
// no read after.
func (r *PortalProductResource) write(ctx context.Context, p *portal.Client, m *productModel, prior *productModel,
	save func(context.Context, any) diag.Diagnostics, diags *diag.Diagnostics,
) {
	ops := productOps(p)
	scopes := setStrings(ctx, m.Scopes, diags)
	want := setInt64s(ctx, m.ClientTypeIDs, diags)
	planned := m.ClientTypeIDs
	var priorO *offeringModel
	if prior != nil {
		priorO = &prior.offeringModel
	}
	w := newOfferingWrite(m.offeringModel, priorO, scopes)
	id := w.id
	pr := ops.write(ctx, r.data, p, w, func(cur *portal.Product) portal.ProductInput { return m.input(ctx, cur, diags) }, diags)
	if pr == nil {
		return
	}
	r.fromAPI(ctx, p, m, pr, diags)
	ops.record(r.data, pr, scopes)
	var err error
	switch {
	case id < 0 && m.PolicyID.IsNull(): // new: no client types yet
		m.ClientTypeIDs = emptyInt64Set()
		diags.Append(save(ctx, m)...)
		err = p.ChangeProductClientTypes(ctx, pr.ID, nil, want)
	case id < 0: // adopted from the Dashboard: it may have some
		m.ClientTypeIDs = emptyInt64Set()
		diags.Append(save(ctx, m)...)
		err = p.SetProductClientTypes(ctx, pr.ID, want)
	case !prior.ClientTypeIDs.Equal(planned):
		err = p.SetProductClientTypes(ctx, pr.ID, want)
	}
	if err != nil {
		diags.AddAttributeError(path.Root("client_type_ids"), "Could not set the product's client types", err.Error())
		return
	}
	m.ClientTypeIDs = planned
}

func (r *PortalProductResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state productModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if pr, ok := productOps(p).read(ctx, resp, state.ID.ValueInt64(), state.Name.ValueString()); ok {
		r.fromAPI(ctx, p, &state, pr, &resp.Diagnostics)
		r.readClientTypes(ctx, p, &state, pr, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}

func (r *PortalProductResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state productModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, p, &plan, &state, nil, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *PortalProductResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state productModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueInt64()
	defer r.data.scopes.record("product", id, "", "", nil)
	deleteOffering(&resp.Diagnostics, "Portal API product", !state.PolicyID.IsNull(),
		func() error { return p.DeleteProduct(ctx, id) },
		func() error {
			cur, err := p.GetProduct(ctx, id)
			if err != nil {
				return err
			}
			if err := p.SetProductClientTypes(ctx, id, nil); err != nil {
				return fmt.Errorf("detaching client types: %w", err)
			}
			reset := productModel{offeringModel: state.resetPortalSettings(), DCREnabled: types.BoolValue(false)}
			_, err = p.UpdateProduct(ctx, id, reset.input(ctx, cur, &resp.Diagnostics))
			return err
		})
}

// ImportState takes the product id (Portal-first) or `<id>:<policy_id>`
// (Dashboard-first: the resource will only reset the product on destroy).
func (r *PortalProductResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	importOffering(ctx, req, resp, "product", func(ctx context.Context, id int64) (int64, error) {
		pr, err := p.GetProduct(ctx, id)
		if err != nil {
			return 0, err
		}
		return pr.ProviderID, nil
	})
}
