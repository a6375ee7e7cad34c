package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
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
	ID            types.Int64  `tfsdk:"id"`
	ProviderID    types.Int64  `tfsdk:"provider_id"`
	PolicyID      types.String `tfsdk:"policy_id"`
	Name          types.String `tfsdk:"name"`
	DisplayName   types.String `tfsdk:"display_name"`
	Description   types.String `tfsdk:"description"`
	APIIDs        types.Set    `tfsdk:"api_ids"`
	CatalogueIDs  types.Set    `tfsdk:"catalogue_ids"`
	DCREnabled    types.Bool   `tfsdk:"dcr_enabled"`
	Scopes        types.Set    `tfsdk:"scopes"`
	ClientTypeIDs types.Set    `tfsdk:"client_type_ids"`
	ReferenceID   types.String `tfsdk:"reference_id"`
	AuthType      types.String `tfsdk:"auth_type"`
}

func emptyInt64Set() types.Set  { return types.SetValueMust(types.Int64Type, nil) }
func emptyStringSet() types.Set { return types.SetValueMust(types.StringType, nil) }

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
		Attributes: map[string]schema.Attribute{
			"id": schema.Int64Attribute{
				Computed: true, Description: "The product's Portal id.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"provider_id": schema.Int64Attribute{
				Required: true, Description: "The `tyk_portal_api_provider` the product belongs to. Changing it replaces the product.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"policy_id": schema.StringAttribute{
				Optional: true,
				Description: "Dashboard-first: the `_id` of the product's partitioned ACL policy (`tyk_policy.x.id`). Conflicts with `name` and `api_ids`. " +
					"Changing it replaces the product.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("name"), path.MatchRoot("policy_id")),
					stringvalidator.ConflictsWith(path.MatchRoot("api_ids")),
				},
			},
			"name": schema.StringAttribute{
				Optional: true, Computed: true,
				Description:   "Portal-first: the product name, also the name of the policy the Portal creates (UI: Name). Dashboard-first: the policy's name (read-only).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"display_name": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(""),
				Description: "Name shown in the catalogue (UI: Catalogue display name).",
			},
			"description": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(""),
				Description: "Short description shown in the catalogue (UI: Description).",
			},
			"api_ids": schema.SetAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				Description:   "Portal-first: `api_id`s of the product's APIs (UI: APIs); all must use JWT auth for DCR. Dashboard-first: from the policy (read-only).",
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
				Validators:    []validator.Set{setvalidator.SizeAtLeast(1)},
			},
			"catalogue_ids": schema.SetAttribute{
				ElementType: types.Int64Type, Optional: true, Computed: true, Default: setdefault.StaticValue(emptyInt64Set()),
				Description: "Catalogues the product is published in (UI: Catalogues), e.g. `1` for the Public Catalogue.",
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
			"reference_id": schema.StringAttribute{
				Computed: true, Description: "The `_id` of the product's Dashboard policy.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"auth_type": schema.StringAttribute{
				Computed: true, Description: "Authentication type of the product's APIs as the Portal reports it (`jwt` for DCR).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *PortalProductResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan rejects, at plan time, scopes another product or plan uses.
func (r *PortalProductResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil || r.data.portal == nil {
		return
	}
	var plan, state productModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(offeringPlanChecks(ctx, r.data, offering{
		kind: "product", creating: req.State.Raw.IsNull(), providerID: plan.ProviderID, policyID: plan.PolicyID, name: plan.Name,
		scopes: plan.Scopes, priorScopes: state.Scopes, priorID: state.ID,
	})...)
	// Dashboard-first: the name and APIs are the policy's, and the policy
	// may change in this same apply; an update reads them afresh.
	if !req.State.Raw.IsNull() && !plan.PolicyID.IsNull() && !req.Plan.Raw.Equal(req.State.Raw) {
		plan.Name, plan.APIIDs = types.StringUnknown(), types.SetUnknown(types.StringType)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
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
	resp.Diagnostics.Append(
		checkScopesFree(
			ctx,
			r.data,
			setStrings(ctx, plan.Scopes, &resp.Diagnostics),
			scopeSelf{kind: "product", id: -1, policy: plan.PolicyID.ValueString()},
			path.Root("scopes"),
		)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var pr *portal.Product
	var err error
	if !plan.PolicyID.IsNull() {
		cur, aerr := p.ImportedProduct(ctx, plan.ProviderID.ValueInt64(), plan.PolicyID.ValueString())
		if aerr != nil {
			resp.Diagnostics.AddAttributeError(path.Root("policy_id"), "Product not imported", aerr.Error())
			return
		}
		pr, err = p.UpdateProduct(ctx, cur.ID, plan.input(ctx, cur, &resp.Diagnostics))
	} else {
		pr, err = p.CreateProduct(ctx, plan.input(ctx, nil, &resp.Diagnostics))
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not create Portal API product", err.Error())
		return
	}
	// Record the product before the client types, so that a failure there
	// leaves a resource to fix rather than an orphan.
	want := setInt64s(ctx, plan.ClientTypeIDs, &resp.Diagnostics)
	plan.ID = types.Int64Value(pr.ID)
	r.fromAPI(ctx, p, &plan, pr, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if err := p.SetProductClientTypes(ctx, pr.ID, want); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("client_type_ids"), "Could not attach client types", err.Error())
		return
	}
	r.refresh(ctx, p, &plan, &resp.Diagnostics)
	r.data.scopes.record(
		"product",
		plan.ID.ValueInt64(),
		plan.Name.ValueString(),
		plan.ReferenceID.ValueString(),
		setStrings(ctx, plan.Scopes, &resp.Diagnostics),
	)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PortalProductResource) refresh(ctx context.Context, p *portal.Client, m *productModel, diags *diag.Diagnostics) {
	pr, err := p.GetProduct(ctx, m.ID.ValueInt64())
	if err != nil {
		diags.AddError("Could not read Portal API product", err.Error())
		return
	}
	r.fromAPI(ctx, p, m, pr, diags)
}

func (r *PortalProductResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state productModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	pr, err := p.GetProduct(ctx, state.ID.ValueInt64())
	if readFailed(
		ctx,
		resp,
		err,
		"Portal API product",
		fmt.Sprintf("API product %d (%s) no longer exists or is hidden (its policy is gone)", state.ID.ValueInt64(), state.Name.ValueString()),
	) {
		return
	}
	r.fromAPI(ctx, p, &state, pr, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *PortalProductResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state productModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueInt64()
	resp.Diagnostics.Append(
		checkScopesFree(ctx, r.data, setStrings(ctx, plan.Scopes, &resp.Diagnostics), scopeSelf{kind: "product", id: id}, path.Root("scopes"))...)
	syncBeforeUpdate(ctx, p, plan.PolicyID, state.ProviderID, &resp.Diagnostics)
	cur, err := p.GetProduct(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Could not read Portal API product", err.Error())
	}
	if resp.Diagnostics.HasError() {
		return
	}
	in := plan.input(ctx, cur, &resp.Diagnostics)
	if plan.PolicyID.IsNull() {
		in.Name = plan.Name.ValueString()
	}
	if _, err := p.UpdateProduct(ctx, id, in); err != nil {
		resp.Diagnostics.AddError("Could not update Portal API product", err.Error())
		return
	}
	if err := p.SetProductClientTypes(ctx, id, setInt64s(ctx, plan.ClientTypeIDs, &resp.Diagnostics)); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("client_type_ids"), "Could not update client types", err.Error())
	}
	plan.ID = state.ID
	r.refresh(ctx, p, &plan, &resp.Diagnostics)
	r.data.scopes.record("product", id, plan.Name.ValueString(), plan.ReferenceID.ValueString(), setStrings(ctx, plan.Scopes, &resp.Diagnostics))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
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
			reset := productModel{
				ProviderID:   state.ProviderID,
				PolicyID:     state.PolicyID,
				DisplayName:  types.StringValue(""),
				Description:  types.StringValue(""),
				DCREnabled:   types.BoolValue(false),
				Scopes:       emptyStringSet(),
				CatalogueIDs: emptyInt64Set(),
			}
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
