package provider

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

var (
	_ resource.Resource                = &PortalOAuthProviderResource{}
	_ resource.ResourceWithImportState = &PortalOAuthProviderResource{}
)

// PortalOAuthProviderResource manages a Portal OAuth2.0 provider (IdP).
type PortalOAuthProviderResource struct{ resourceBase }

// NewPortalOAuthProviderResource returns tyk_portal_oauth_provider.
func NewPortalOAuthProviderResource() resource.Resource { return &PortalOAuthProviderResource{} }

type oauthProviderModel struct {
	ID                        types.Int64  `tfsdk:"id"`
	Name                      types.String `tfsdk:"name"`
	Type                      types.String `tfsdk:"type"`
	WellKnownURL              types.String `tfsdk:"well_known_url"`
	SSLInsecureSkipVerify     types.Bool   `tfsdk:"ssl_insecure_skip_verify"`
	RegistrationAccessToken   types.String `tfsdk:"registration_access_token"`
	RegistrationAccessTokenWO types.String `tfsdk:"registration_access_token_wo"`
	TokenWOVersion            types.Int64  `tfsdk:"registration_access_token_wo_version"`
	ForceDestroy              types.Bool   `tfsdk:"force_destroy"`
}

func (r *PortalOAuthProviderResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_oauth_provider"
}

func (r *PortalOAuthProviderResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An OAuth2.0 provider of the Developer Portal (Settings → App registration → OAuth2.0 providers): the identity " +
			"provider in which the Portal registers a client (RFC 7591) when an access request to a DCR product is approved.",
		Attributes: map[string]schema.Attribute{
			"id": schema.Int64Attribute{
				Computed: true, Description: "The provider's Portal id.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true, Description: "Name of the provider (UI: Name). From Portal 1.18 also the name of the matching IdP Registry entry.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"type": schema.StringAttribute{
				Required: true,
				Description: "Identity provider type (UI: Identity provider): `Keycloak`, `Gluu`, `Okta` or `Other`. " +
					"Use `Other` for Ory Hydra, Curity, Auth0 and any other RFC 7591 server.",
				Validators: []validator.String{stringvalidator.OneOf(portal.OAuthProviderTypes...)},
			},
			"well_known_url": schema.StringAttribute{
				Required: true, Description: "The IdP's OpenID Connect discovery document (UI: OIDC well-known configuration URL), e.g. " +
					"`https://idp.example/realms/dcr/.well-known/openid-configuration`. Its `registration_endpoint` is where clients are registered.",
				Validators: []validator.String{httpURL()},
			},
			"ssl_insecure_skip_verify": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Let the Portal ignore TLS errors towards the IdP (UI: SSL insecure skip verify). Default `false`.",
			},
			"registration_access_token": schema.StringAttribute{
				Optional: true, Sensitive: true,
				Description: "The IdP's initial access token for client registration (UI: Registration access token). Optional for IdPs " +
					"with open registration (Hydra, Gluu, Curity with no-authentication). The Portal never returns it, so it is not " +
					"checked for drift. It is stored in state (sensitive); prefer `registration_access_token_wo`.",
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("registration_access_token_wo"))},
			},
			"registration_access_token_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				Description: "Write-only form of `registration_access_token` (Terraform 1.11+): sent to the Portal, never stored in state or plan. " +
					"Change `registration_access_token_wo_version` to send a new value.",
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("registration_access_token_wo_version"))},
			},
			"registration_access_token_wo_version": schema.Int64Attribute{
				Optional:    true,
				Description: "Any number; change it whenever `registration_access_token_wo` changes, so that Terraform updates the provider.",
			},
			"force_destroy": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Destroy the provider even while API products use it: the Portal then detaches it from them and rejects their " +
					"pending access requests. Default `false`, which makes destroy fail while products use it.",
			},
		},
	}
}

func (r *PortalOAuthProviderResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// input builds the request body; the token comes from the configuration
// (write-only values exist only there).
func (m *oauthProviderModel) input(token string) portal.OAuthProviderInput {
	return portal.OAuthProviderInput{
		Name: m.Name.ValueString(), Type: m.Type.ValueString(), WellKnownURL: m.WellKnownURL.ValueString(),
		SSLInsecureSkipVerify: m.SSLInsecureSkipVerify.ValueBool(), RegistrationAccessToken: token,
	}
}

func (r *PortalOAuthProviderResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan oauthProviderModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	token := writeOnlyOr(ctx, req.Config, "registration_access_token_wo", plan.RegistrationAccessToken, &resp.Diagnostics)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := p.CreateOAuthProvider(ctx, plan.input(token))
	if err != nil {
		resp.Diagnostics.AddError("Could not create Portal OAuth2.0 provider", err.Error())
		return
	}
	plan.fromAPI(out)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PortalOAuthProviderResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state oauthProviderModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := p.GetOAuthProvider(ctx, state.ID.ValueInt64())
	if readFailed(
		ctx,
		resp,
		err,
		"Portal OAuth2.0 provider",
		fmt.Sprintf("OAuth2.0 provider %d (%s) no longer exists in the Portal", state.ID.ValueInt64(), state.Name.ValueString()),
	) {
		return
	}
	state.fromAPI(out)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *PortalOAuthProviderResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state oauthProviderModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// The token is sent on every update (the Portal's PUT is a replace).
	token := writeOnlyOr(ctx, req.Config, "registration_access_token_wo", plan.RegistrationAccessToken, &resp.Diagnostics)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := p.UpdateOAuthProvider(ctx, state.ID.ValueInt64(), plan.input(token))
	if err != nil {
		resp.Diagnostics.AddError("Could not update Portal OAuth2.0 provider", err.Error())
		return
	}
	plan.fromAPI(out)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PortalOAuthProviderResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state oauthProviderModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	err := p.DeleteOAuthProvider(ctx, state.ID.ValueInt64(), state.ForceDestroy.ValueBool())
	if client.StatusCode(err) == http.StatusBadRequest && !state.ForceDestroy.ValueBool() {
		resp.Diagnostics.AddError(
			"OAuth2.0 provider in use",
			fmt.Sprintf(
				"The Portal refused to delete OAuth2.0 provider %d: %s\nRemove it from the API products that use it first, or set force_destroy = true "+
					"(the Portal then detaches it and rejects their pending access requests).",
				state.ID.ValueInt64(),
				err,
			),
		)
		return
	}
	deleteFailed(&resp.Diagnostics, err, "Portal OAuth2.0 provider")
}

func (r *PortalOAuthProviderResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importIntID(ctx, req, resp, "provider") {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force_destroy"), false)...)
}

func (m *oauthProviderModel) fromAPI(p *portal.OAuthProvider) {
	m.ID = types.Int64Value(p.ID)
	m.Name = types.StringValue(p.Name)
	m.Type = types.StringValue(p.Type)
	m.WellKnownURL = types.StringValue(p.WellKnownURL)
	m.SSLInsecureSkipVerify = types.BoolValue(p.SSLInsecureSkipVerify)
	m.RegistrationAccessTokenWO = types.StringNull() // never in state
}
