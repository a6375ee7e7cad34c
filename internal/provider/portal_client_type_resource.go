package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

var (
	_ resource.Resource                = &PortalClientTypeResource{}
	_ resource.ResourceWithImportState = &PortalClientTypeResource{}
	_ resource.ResourceWithModifyPlan  = &PortalClientTypeResource{}
)

// PortalClientTypeResource manages an OAuth client type of a provider.
type PortalClientTypeResource struct{ resourceBase }

// NewPortalClientTypeResource returns tyk_portal_client_type.
func NewPortalClientTypeResource() resource.Resource { return &PortalClientTypeResource{} }

type clientTypeModel struct {
	ID                      types.Int64  `tfsdk:"id"`
	OAuthProviderID         types.Int64  `tfsdk:"oauth_provider_id"`
	Name                    types.String `tfsdk:"name"`
	Description             types.String `tfsdk:"description"`
	ResponseTypes           types.Set    `tfsdk:"response_types"`
	GrantTypes              types.Set    `tfsdk:"grant_types"`
	TokenEndpointAuthMethod types.String `tfsdk:"token_endpoint_auth_method"`
	OktaAppType             types.String `tfsdk:"okta_app_type"`
}

var (
	clientResponseTypes = []string{"code", "token", "id_token", "none"}
	clientGrantTypes    = []string{"authorization_code", "pkce", "client_credentials", "device_code", "refresh_token", "password", "implicit"}
)

func (r *PortalClientTypeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_client_type"
}

func (r *PortalClientTypeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A client type of a Portal OAuth2.0 provider (UI: OAuth2.0 provider → Client types; also called a DCR template): " +
			"the OAuth client metadata the Portal registers in the IdP for an app that picks this type at checkout.",
		Attributes: map[string]schema.Attribute{
			"id": schema.Int64Attribute{
				Computed: true, Description: "The client type's Portal id.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"oauth_provider_id": schema.Int64Attribute{
				Required: true, Description: "The `tyk_portal_oauth_provider` this type belongs to. Changing it replaces the client type.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				Required: true, Description: "Name shown to developers at checkout (UI: Client type display name).",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"description": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(""),
				Description: "Description shown to developers (UI: Description).",
			},
			"response_types": schema.SetAttribute{
				ElementType: types.StringType, Required: true,
				Description: "OAuth response types (UI: Response types): `code`, `token`, `id_token`, `none`.",
				Validators:  []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.OneOf(clientResponseTypes...))},
			},
			"grant_types": schema.SetAttribute{
				ElementType: types.StringType, Required: true,
				Description: "OAuth grant types (UI: Grant types): `authorization_code`, `pkce`, `client_credentials`, `device_code`, `refresh_token`, `password`, `implicit`.",
				Validators:  []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.OneOf(clientGrantTypes...))},
			},
			"token_endpoint_auth_method": schema.StringAttribute{
				Optional:    true,
				Description: "How the client authenticates at the token endpoint (UI: Token endpoint auth methods): `client_secret_basic` or `client_secret_post`. Required for `client_credentials`.",
				Validators:  []validator.String{stringvalidator.OneOf("client_secret_basic", "client_secret_post")},
			},
			"okta_app_type": schema.StringAttribute{
				Optional:    true,
				Description: "Okta application type (UI: Okta app type): `web`, `native`, `browser` or `service`. Required for, and only allowed with, an Okta provider.",
				Validators:  []validator.String{stringvalidator.OneOf("web", "native", "browser", "service")},
			},
		},
	}
}

func (r *PortalClientTypeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func knownStrings(s types.Set) ([]string, bool) {
	if s.IsNull() || s.IsUnknown() {
		return nil, false
	}
	var out []string
	for _, v := range s.Elements() {
		sv, ok := v.(types.String)
		if !ok || sv.IsUnknown() {
			return nil, false
		}
		out = append(out, sv.ValueString())
	}
	return out, true
}

// checkCombinations checks the OAuth combinations that can be known from the
// configuration alone: each grant needs its response type, each response
// type needs a grant that produces it (OpenID Connect Dynamic Client
// Registration 1.0 §2), and client_credentials needs a client secret. It
// runs in ModifyPlan, not ValidateConfig, so that a configuration that became
// invalid never blocks `terraform destroy`, which validates the
// configuration but plans no resource.
func checkCombinations(m *clientTypeModel, diags *diag.Diagnostics) {
	grants, gok := knownStrings(m.GrantTypes)
	responses, rok := knownStrings(m.ResponseTypes)
	if !gok {
		return
	}
	codeGrant := slices.Contains(grants, "authorization_code") || slices.Contains(grants, "pkce")
	if rok && slices.Contains(responses, "code") && !codeGrant {
		diags.AddAttributeError(path.Root("response_types"), "Response type code needs the authorization_code grant",
			fmt.Sprintf("Response type \"code\" is a code from the authorization endpoint, which only the authorization_code (or pkce) grant "+
				"produces, and grant_types is %v: the IdP would refuse the registration when an access is approved. Add authorization_code "+
				"to grant_types, or use response type \"token\" (machine clients with client_credentials).", grants))
	}
	if rok && slices.Contains(responses, "id_token") && !codeGrant && !slices.Contains(grants, "implicit") {
		diags.AddAttributeError(path.Root("response_types"), "Response type id_token needs an interactive grant",
			fmt.Sprintf("Response type \"id_token\" comes from the authorization endpoint, which only the implicit or authorization_code "+
				"grant uses, and grant_types is %v. Add one of them, or remove id_token.", grants))
	}
	if rok && slices.Contains(grants, "authorization_code") && !slices.Contains(responses, "code") {
		diags.AddAttributeError(path.Root("response_types"), "authorization_code needs response type code",
			"The authorization_code grant returns a code from the authorization endpoint: add \"code\" to response_types.")
	}
	if rok && slices.Contains(grants, "implicit") && !slices.Contains(responses, "token") && !slices.Contains(responses, "id_token") {
		diags.AddAttributeError(path.Root("response_types"), "implicit needs response type token or id_token",
			"The implicit grant returns tokens from the authorization endpoint: add \"token\" or \"id_token\" to response_types.")
	}
	if slices.Contains(grants, "client_credentials") && m.TokenEndpointAuthMethod.IsNull() {
		diags.AddAttributeError(
			path.Root("token_endpoint_auth_method"),
			"client_credentials needs a confidential client",
			"The client_credentials grant authenticates the client with its secret: set token_endpoint_auth_method to client_secret_basic or client_secret_post.",
		)
	}
}

// ModifyPlan checks the rules that depend on the provider's type, when the
// provider already exists; otherwise Create checks them before writing.
func (r *PortalClientTypeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if r.data == nil || r.data.portal == nil {
		var plan clientTypeModel
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		checkCombinations(&plan, &resp.Diagnostics)
		return
	}
	var plan, state clientTypeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if plan.OktaAppType.Equal(state.OktaAppType) && plan.GrantTypes.Equal(state.GrantTypes) && plan.ResponseTypes.Equal(state.ResponseTypes) {
			return // nothing that depends on the provider's type changed
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	checkCombinations(&plan, &resp.Diagnostics)
	if plan.OAuthProviderID.IsUnknown() {
		return
	}
	prov, err := r.data.portal.OAuthProviderOnce(ctx, plan.OAuthProviderID.ValueInt64())
	if client.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("oauth_provider_id"), "OAuth2.0 provider not found",
			fmt.Sprintf("OAuth2.0 provider %d does not exist. Reference a tyk_portal_oauth_provider.", plan.OAuthProviderID.ValueInt64()))
		return
	}
	if err != nil {
		return // reported, if it persists, at apply time
	}
	resp.Diagnostics.Append(checkProviderRules(prov.Type, &plan)...)
}

func checkProviderRules(providerType string, m *clientTypeModel) diag.Diagnostics {
	var diags diag.Diagnostics
	okta := providerType == "Okta"
	switch {
	case okta && m.OktaAppType.IsNull():
		diags.AddAttributeError(path.Root("okta_app_type"), "Okta needs an app type",
			"The OAuth2.0 provider is of type Okta, which requires okta_app_type (web, native, browser or service).")
	case !okta && !m.OktaAppType.IsNull() && !m.OktaAppType.IsUnknown():
		diags.AddAttributeError(path.Root("okta_app_type"), "okta_app_type on a non-Okta provider",
			fmt.Sprintf("The OAuth2.0 provider is of type %s; okta_app_type only applies to Okta providers. Remove it.", providerType))
	}
	grants, gok := knownStrings(m.GrantTypes)
	responses, rok := knownStrings(m.ResponseTypes)
	if okta && gok && rok && slices.Contains(grants, "client_credentials") && !(len(responses) == 1 && responses[0] == "token") {
		diags.AddAttributeError(path.Root("response_types"), "Okta client_credentials needs response type token only",
			"Okta registers client_credentials clients only with response_types = [\"token\"].")
	}
	return diags
}

func (m *clientTypeModel) input(ctx context.Context) (portal.ClientTypeInput, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := portal.ClientTypeInput{
		Name: m.Name.ValueString(), Description: m.Description.ValueString(),
		TokenEndpointAuthMethod: m.TokenEndpointAuthMethod.ValueString(), OktaAppType: m.OktaAppType.ValueString(),
	}
	var rt, gt []string
	diags.Append(m.ResponseTypes.ElementsAs(ctx, &rt, false)...)
	diags.Append(m.GrantTypes.ElementsAs(ctx, &gt, false)...)
	in.ResponseTypes, in.GrantType = portal.CSV(rt), portal.CSV(gt)
	return in, diags
}

func (m *clientTypeModel) fromAPI(ctx context.Context, providerID int64, ct *portal.ClientType) diag.Diagnostics {
	var diags, d diag.Diagnostics
	m.ID = types.Int64Value(ct.ID)
	m.OAuthProviderID = types.Int64Value(providerID)
	m.Name = types.StringValue(ct.Name)
	m.Description = types.StringValue(ct.Description)
	m.ResponseTypes, d = types.SetValueFrom(ctx, types.StringType, nonNil([]string(ct.ResponseTypes)))
	diags.Append(d...)
	m.GrantTypes, d = types.SetValueFrom(ctx, types.StringType, nonNil([]string(ct.GrantType)))
	diags.Append(d...)
	m.TokenEndpointAuthMethod = stringOrNull(ct.TokenEndpointAuthMethod)
	m.OktaAppType = stringOrNull(ct.OktaAppType)
	return diags
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func (r *PortalClientTypeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan clientTypeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	providerID := plan.OAuthProviderID.ValueInt64()
	// The provider's type decides the rules; the apply-time re-plan has
	// just read it (OAuthProviderOnce), so this costs no request then.
	prov, err := p.OAuthProviderOnce(ctx, providerID)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("oauth_provider_id"), "OAuth2.0 provider not readable", err.Error())
		return
	}
	resp.Diagnostics.Append(checkProviderRules(prov.Type, &plan)...)
	in, d := plan.input(ctx)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ct, err := p.CreateClientType(ctx, providerID, in)
	if err != nil {
		resp.Diagnostics.AddError("Could not create Portal client type", err.Error())
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, providerID, ct)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PortalClientTypeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state clientTypeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ct, err := p.GetClientType(ctx, state.OAuthProviderID.ValueInt64(), state.ID.ValueInt64())
	if readFailed(
		ctx,
		resp,
		err,
		"Portal client type",
		fmt.Sprintf("Client type %d of OAuth2.0 provider %d no longer exists", state.ID.ValueInt64(), state.OAuthProviderID.ValueInt64()),
	) {
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, state.OAuthProviderID.ValueInt64(), ct)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *PortalClientTypeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state clientTypeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	in, d := plan.input(ctx)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	providerID := state.OAuthProviderID.ValueInt64()
	ct, err := p.UpdateClientType(ctx, providerID, state.ID.ValueInt64(), in)
	if err != nil {
		resp.Diagnostics.AddError("Could not update Portal client type", err.Error())
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, providerID, ct)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PortalClientTypeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state clientTypeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	err := p.DeleteClientType(ctx, state.OAuthProviderID.ValueInt64(), state.ID.ValueInt64(), false)
	if err != nil && !client.IsNotFound(err) {
		resp.Diagnostics.AddError("Could not delete Portal client type", err.Error()+"\nIf API products still use this client type, remove it from them first.")
	}
}

// ImportState takes `<oauth_provider_id>/<client_type_id>`.
func (r *PortalClientTypeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	a, b, ok := strings.Cut(req.ID, "/")
	providerID, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Expected `<oauth_provider_id>/<client_type_id>`, e.g. `1/3`; got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("oauth_provider_id"), providerID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
