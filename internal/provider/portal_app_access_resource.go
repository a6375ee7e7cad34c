package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/oidc"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

var (
	_ resource.Resource                = &PortalAppAccessResource{}
	_ resource.ResourceWithImportState = &PortalAppAccessResource{}
	_ resource.ResourceWithModifyPlan  = &PortalAppAccessResource{}
)

// PortalAppAccessResource is an approved access request of an app: for DCR
// products, an OAuth client registered in the IdP by the Portal.
type PortalAppAccessResource struct{ resourceBase }

// NewPortalAppAccessResource returns tyk_portal_app_access.
func NewPortalAppAccessResource() resource.Resource { return &PortalAppAccessResource{} }

// IdP client states reported in idp_client_status.
const (
	idpOK        = "ok"
	idpMissing   = "missing"
	idpDrifted   = "drifted"
	idpUnchecked = "unchecked"
	// idpTokenInvalid: the client exists (it still gets tokens), but the
	// Portal's registration access token no longer works for it.
	idpTokenInvalid = "registration_token_invalid"
	// idpScopesOutdated: the client was registered for scopes its products
	// and plan no longer use (their scopes changed since).
	idpScopesOutdated = "scopes_outdated"
)

type appAccessModel struct {
	ID                    types.Int64    `tfsdk:"id"`
	AppID                 types.Int64    `tfsdk:"app_id"`
	ProductIDs            types.Set      `tfsdk:"product_ids"`
	PlanID                types.Int64    `tfsdk:"plan_id"`
	ClientTypeID          types.Int64    `tfsdk:"client_type_id"`
	VerifyIdPClient       types.Bool     `tfsdk:"verify_idp_client"`
	VerifyIdPClientVia    types.String   `tfsdk:"verify_idp_client_via"`
	RotationTriggers      types.Map      `tfsdk:"rotation_triggers"`
	Status                types.String   `tfsdk:"status"`
	CredentialID          types.Int64    `tfsdk:"credential_id"`
	ClientID              types.String   `tfsdk:"client_id"`
	ClientSecret          types.String   `tfsdk:"client_secret"`
	StoreClientSecret     types.Bool     `tfsdk:"store_client_secret"`
	ClientSecretSHA256    types.String   `tfsdk:"client_secret_sha256"`
	Scopes                types.Set      `tfsdk:"scopes"`
	GrantTypes            types.Set      `tfsdk:"grant_types"`
	TokenEndpointAuth     types.String   `tfsdk:"token_endpoint_auth_method"`
	TokenEndpoint         types.String   `tfsdk:"token_endpoint"`
	RegistrationClientURI types.String   `tfsdk:"registration_client_uri"`
	IdPClientStatus       types.String   `tfsdk:"idp_client_status"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
}

func (r *PortalAppAccessResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_app_access"
}

func (r *PortalAppAccessResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaceInt := []planmodifier.Int64{int64planmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Description: "An app's approved access to API products on a plan (UI: Apps → Request access, then Access requests → Approve). " +
			"For DCR products the Portal registers an OAuth client for the app in the IdP when the request is approved; its " +
			"`client_id` and `client_secret` are exported here (the secret is sensitive and stored in state: protect the state). " +
			"Changing products, plan or client type replaces the access; destroying it revokes the request and deletes the IdP client.",
		Attributes: map[string]schema.Attribute{
			"id": schema.Int64Attribute{
				Computed: true, Description: "The access request's Portal id.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"app_id": schema.Int64Attribute{Required: true, Description: "The `tyk_portal_app`.", PlanModifiers: replaceInt},
			"product_ids": schema.SetAttribute{
				ElementType: types.Int64Type, Required: true, Description: "`tyk_portal_product` ids requested together (UI: the cart).",
				PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
				Validators:    []validator.Set{setvalidator.SizeAtLeast(1)},
			},
			"plan_id": schema.Int64Attribute{Required: true, Description: "The `tyk_portal_plan`.", PlanModifiers: replaceInt},
			"client_type_id": schema.Int64Attribute{
				Optional: true, Description: "The `tyk_portal_client_type` the IdP client is registered with (UI: Client type at checkout). Required for DCR products.",
				PlanModifiers: replaceInt,
			},
			"verify_idp_client": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				Description: "On every refresh, read the client from the IdP (RFC 7592, with the Portal's registration access token) so that " +
					"a client deleted or changed in the IdP shows as drift (a missing or changed client replaces the access). For IdPs that rotate " +
					"the registration access token on read (Curity), set `verify_idp_client_via = \"token_endpoint\"`: an RFC 7592 read would " +
					"leave the Portal with a dead token. Default `true`.",
			},
			"verify_idp_client_via": schema.StringAttribute{
				Optional: true,
				Description: "How `verify_idp_client` asks the IdP: `registration` (unset; an RFC 7592 read with the Portal's registration access " +
					"token: sees deleted clients and changed scopes and grant types) or `token_endpoint` (a client_credentials token request with " +
					"the client's own credentials and registered scopes: sees deleted clients and refused scopes, and never touches the " +
					"registration access token, so it is safe with IdPs that rotate that token on every read, such as Curity).",
				Validators: []validator.String{stringvalidator.OneOf("registration", "token_endpoint")},
			},
			"rotation_triggers": schema.MapAttribute{
				ElementType: types.StringType, Optional: true,
				Description: "Arbitrary values; changing any of them rotates the credential through the Portal (a new client secret, and for " +
					"most IdPs a new client id), e.g. `{ rotated = \"2026-11\" }`.",
			},
			"status": schema.StringAttribute{
				Computed: true, Description: "Access request status (`approved`; anything else at refresh replaces the access).",
				PlanModifiers: keep,
			},
			"credential_id": schema.Int64Attribute{
				Computed: true, Description: "The Portal credential id.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"client_id": schema.StringAttribute{Computed: true, Description: "OAuth client id the IdP issued.", PlanModifiers: keep},
			"client_secret": schema.StringAttribute{
				Computed: true, Sensitive: true, PlanModifiers: keep,
				Description: "OAuth client secret the IdP issued. Sensitive, and stored in state unless `store_client_secret = false` (then null).",
			},
			"store_client_secret": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				Description: "Keep `client_secret` in state. Default `true` (compatibility); `false` is recommended: state then holds the client id " +
					"and `client_secret_sha256` only, and the secret is read at each run with the ephemeral `tyk_portal_app_credentials` " +
					"(see the secrets guide). Changing it only changes what state holds.",
			},
			"client_secret_sha256": schema.StringAttribute{
				Computed: true, PlanModifiers: keep,
				Description: "Hex SHA-256 of the current client secret, in both modes: a fingerprint that shows a rotation in the plan and " +
					"lets you compare secrets without storing them. Not reversible for the high-entropy secrets IdPs issue.",
			},
			"scopes": schema.SetAttribute{
				ElementType: types.StringType, Computed: true, Description: "Scopes registered for the client: the products' and the plan's.",
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
			"grant_types": schema.SetAttribute{
				ElementType: types.StringType, Computed: true, Description: "Grant types registered for the client.",
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
			"token_endpoint_auth_method": schema.StringAttribute{
				Computed:      true,
				Description:   "How the client authenticates at the token endpoint.",
				PlanModifiers: keep,
			},
			"token_endpoint": schema.StringAttribute{
				Computed:      true,
				Description:   "The IdP's token endpoint, from the OAuth provider's discovery document.",
				PlanModifiers: keep,
			},
			"registration_client_uri": schema.StringAttribute{
				Computed:      true,
				Description:   "The client's RFC 7592 configuration endpoint.",
				PlanModifiers: keep,
			},
			"idp_client_status": schema.StringAttribute{
				Computed:    true,
				Description: "What the last refresh found in the IdP: `ok`, `missing` (deleted in the IdP), `drifted` (scopes or grant types changed) or `unchecked`.",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true}),
		},
	}
}

func (r *PortalAppAccessResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan replaces an access whose IdP client is gone or changed, or
// whose request is no longer approved, and marks rotated values unknown.
func (r *PortalAppAccessResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if req.State.Raw.IsNull() {
		r.checkReferences(ctx, req, resp)
		return
	}
	var plan, state appAccessModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	status := state.IdPClientStatus.ValueString()
	broken := state.Status.ValueString() != "approved" || status == idpMissing || status == idpDrifted || status == idpScopesOutdated
	if broken {
		if status == idpScopesOutdated {
			resp.Diagnostics.AddAttributeWarning(path.Root("scopes"), "The access is replaced: its client's scopes are out of date",
				fmt.Sprintf("Access request %d's client is registered for scopes %s, which its products and plan no longer use as they are. "+
					"The access is replaced, so that the Portal registers a client with the current scopes (new client id and secret); "+
					"the old client is deleted in the IdP. Add lifecycle { replace_triggered_by = [...] } on the products' and plan's scopes "+
					"to replace it in the same apply that changes them.", state.ID.ValueInt64(), state.Scopes.String()))
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("client_id"), types.StringUnknown())...)
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("client_id"))
		return
	}
	rotating := !plan.RotationTriggers.Equal(state.RotationTriggers)
	switch {
	case !plan.StoreClientSecret.ValueBool():
		// Kept out of state: null whatever happens.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("client_secret"), types.StringNull())...)
	case !state.StoreClientSecret.ValueBool() || rotating:
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("client_secret"), types.StringUnknown())...)
	}
	if rotating {
		for _, a := range []string{"client_id", "client_secret_sha256", "registration_client_uri"} {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(a), types.StringUnknown())...)
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("credential_id"), types.Int64Unknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("idp_client_status"), types.StringUnknown())...)
	}
}

// checkReferences reports, at plan time, references that do not exist.
func (r *PortalAppAccessResource) checkReferences(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || r.data.portal == nil {
		return
	}
	p := r.data.portal
	var plan appAccessModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if known64(plan.AppID) {
		mustExist(&resp.Diagnostics, path.Root("app_id"), "Portal app", plan.AppID.ValueInt64(), func() error {
			_, err := p.AppOnce(ctx, plan.AppID.ValueInt64())
			return err
		})
	}
	var pl *portal.Plan
	if known64(plan.PlanID) {
		mustExist(&resp.Diagnostics, path.Root("plan_id"), "Plan", plan.PlanID.ValueInt64(), func() error {
			var err error
			pl, err = p.PlanOnce(ctx, plan.PlanID.ValueInt64())
			return err
		})
	}
	if plan.ProductIDs.IsUnknown() {
		return
	}
	for _, v := range plan.ProductIDs.Elements() {
		id, ok := v.(types.Int64)
		if !ok || !known64(id) {
			continue
		}
		pr, err := p.ProductOnce(ctx, id.ValueInt64())
		if client.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("product_ids"), "API product not found",
				fmt.Sprintf("API product %d does not exist. Reference a tyk_portal_product.", id.ValueInt64()))
			continue
		}
		if err != nil || !pr.DCREnabled {
			continue
		}
		if pl != nil {
			checkPlanScope(pl, pr, &resp.Diagnostics)
		}
		if plan.ClientTypeID.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("client_type_id"), "Client type required",
				fmt.Sprintf("API product %q uses dynamic client registration: set client_type_id to one of its client types.", pr.Name))
		} else if known64(plan.ClientTypeID) {
			if cts, err := p.ProductClientTypesOnce(ctx, pr.ID); err == nil && !slices.Contains(cts, plan.ClientTypeID.ValueInt64()) {
				resp.Diagnostics.AddAttributeError(path.Root("client_type_id"), "Client type not enabled for the product",
					fmt.Sprintf("Client type %d is not one of API product %q's client types %v.", plan.ClientTypeID.ValueInt64(), pr.Name, cts))
			}
		}
	}
}

func (r *PortalAppAccessResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan appAccessModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, 3*time.Minute)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// The references were checked when Terraform planned this create (again
	// during apply, with every id known): Create sends only the minimal
	// sequence (provision, find the request, approve, read the credential).
	spec := portal.AccessSpec{AppID: plan.AppID.ValueInt64(), PlanID: plan.PlanID.ValueInt64(), ClientTypeID: plan.ClientTypeID.ValueInt64(),
		ProductIDs: setInt64s(ctx, plan.ProductIDs, &resp.Diagnostics)}
	if resp.Diagnostics.HasError() {
		return
	}
	// The request is recorded in state as soon as it exists, so that a
	// failure below leaves state pointing at it (destroyed or resumed, never
	// duplicated).
	ar, err := p.RequestAccess(ctx, spec, func(ar portal.AccessRequest) {
		plan.ID = types.Int64Value(ar.ID)
		plan.Status = types.StringValue(ar.Status)
		r.nullComputed(&plan)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	})
	switch {
	case err != nil && ar != nil:
		resp.Diagnostics.AddError("Could not approve the access request", err.Error()+
			"\nFor DCR products the Portal registers the client in the IdP at this step: check the OAuth provider's "+
			"well-known URL, its registration access token and that the scopes exist in the IdP.")
		return
	case err != nil:
		resp.Diagnostics.AddError("Could not request access", err.Error())
		return
	}
	issued, err := p.WaitForCredential(ctx, ar.ID, 0)
	if err != nil {
		resp.Diagnostics.AddError("Credential not issued", err.Error())
		return
	}
	r.tokenEndpoint(ctx, p, &plan, &resp.Diagnostics)
	r.read(context.WithValue(ctx, justIssuedKey{}, true), p, &plan, issued, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// justIssuedKey marks the read at the end of Create: the client was just
// registered for the current scopes, so they are not compared again.
type justIssuedKey struct{}

func (r *PortalAppAccessResource) nullComputed(m *appAccessModel) {
	m.CredentialID = types.Int64Null()
	for _, s := range []*types.String{&m.ClientID, &m.ClientSecret, &m.ClientSecretSHA256, &m.TokenEndpointAuth, &m.TokenEndpoint, &m.RegistrationClientURI} {
		*s = types.StringNull()
	}
	m.IdPClientStatus = types.StringValue(idpUnchecked)
	m.Scopes = types.SetNull(types.StringType)
	m.GrantTypes = types.SetNull(types.StringType)
}

// tokenEndpoint finds the IdP's token endpoint through the client type's
// OAuth provider (both lookups are cached for the apply).
func (r *PortalAppAccessResource) tokenEndpoint(ctx context.Context, p *portal.Client, m *appAccessModel, diags *diag.Diagnostics) {
	m.TokenEndpoint = types.StringValue("")
	ctID := m.ClientTypeID.ValueInt64()
	if ctID == 0 {
		return
	}
	te, err := tokenEndpointOf(ctx, p, r.data.idpClient(), ctID)
	if err != nil {
		diags.AddWarning("Token endpoint unknown", err.Error())
		return
	}
	m.TokenEndpoint = types.StringValue(te)
}

// tokenEndpointOf finds the IdP's token endpoint of a client type through
// its OAuth provider's discovery document (both lookups cached per run).
func tokenEndpointOf(ctx context.Context, p *portal.Client, idp *oidc.Client, clientTypeID int64) (string, error) {
	wellKnown, err := p.WellKnownURLOfClientType(ctx, clientTypeID)
	if err != nil {
		return "", fmt.Errorf("finding client type %d's OAuth2.0 provider failed: %w", clientTypeID, err)
	}
	disc, err := idp.Discover(ctx, wellKnown)
	if err != nil {
		return "", fmt.Errorf("reading the IdP's discovery document %s failed: %w", wellKnown, err)
	}
	return disc.TokenEndpoint, nil
}

// read refreshes the model from the Portal (and the IdP); it returns false
// when the request no longer exists. ar, when not nil, is the request as
// just read, which saves reading it again.
func (r *PortalAppAccessResource) read(ctx context.Context, p *portal.Client, m *appAccessModel, ar *portal.AccessRequest, diags *diag.Diagnostics) bool {
	if ar == nil {
		var err error
		ar, err = p.GetAccessRequest(ctx, m.ID.ValueInt64())
		if client.IsNotFound(err) {
			return false
		}
		if err != nil {
			diags.AddError("Could not read the access request", err.Error())
			return true
		}
	}
	m.Status = types.StringValue(ar.Status)
	if len(ar.Credentials) == 0 {
		r.nullComputed(m)
		return true
	}
	c := ar.Credentials[0]
	m.CredentialID = types.Int64Value(c.ID)
	m.ClientID = types.StringValue(c.OAuthClientID)
	if m.StoreClientSecret.IsNull() {
		m.StoreClientSecret = types.BoolValue(true) // state written before the attribute existed
	}
	m.ClientSecret, m.ClientSecretSHA256 = secretInState(m.StoreClientSecret, c.OAuthClientSecret)
	m.TokenEndpointAuth = types.StringValue(c.TokenEndpoints)
	m.RegistrationClientURI = types.StringValue(c.DCRRegistrationClientURI)
	scopes := strings.Fields(strings.ReplaceAll(c.Scope, ",", " "))
	grants := []string(portal.ParseCSV(c.GrantType))
	m.Scopes = types.SetValueMust(types.StringType, stringValues(nonNil(scopes)))
	m.GrantTypes = types.SetValueMust(types.StringType, stringValues(nonNil(grants)))
	if m.TokenEndpoint.IsNull() || m.TokenEndpoint.IsUnknown() {
		m.TokenEndpoint = types.StringValue("")
	}
	m.IdPClientStatus = types.StringValue(idpUnchecked)
	if ar.DCREnabled && c.OAuthClientID != "" && ctx.Value(justIssuedKey{}) == nil {
		if outdated, want := p.ScopesOutdated(ctx, m.AppID.ValueInt64(), ar, setInt64s(ctx, m.ProductIDs, diags), m.PlanID.ValueInt64(), scopes); outdated {
			m.IdPClientStatus = types.StringValue(idpScopesOutdated)
			diags.AddWarning(
				"OAuth client registered for other scopes",
				fmt.Sprintf(
					"Client %s of access request %d is registered for scopes %q, but its products and plan now use %q. The next apply replaces the access.",
					c.OAuthClientID,
					ar.ID,
					strings.Join(scopes, " "),
					strings.Join(want, " "),
				),
			)
			return true
		}
	}
	if !m.VerifyIdPClient.ValueBool() || !ar.DCREnabled {
		return true
	}
	if m.VerifyIdPClientVia.ValueString() == "token_endpoint" || (m.VerifyIdPClientVia.IsNull() && ctx.Value(probeOnlyKey{}) != nil) {
		r.probeIdPClient(ctx, m, ar, c, scopes, diags)
		return true
	}
	if c.DCRRegistrationClientURI == "" {
		return true
	}
	rc, err := r.data.idpClient().ReadClient(ctx, c.DCRRegistrationClientURI, c.DCRRegistrationAccessToken)
	switch {
	case errors.Is(err, oidc.ErrClientGone) && r.clientStillAuthenticates(ctx, m, c):
		// RFC 7592 answers 401 alike for a deleted client and a dead
		// registration token; the token endpoint still knows the client.
		m.IdPClientStatus = types.StringValue(idpTokenInvalid)
		diags.AddWarning("The Portal's registration access token no longer works",
			fmt.Sprintf("Client %s of access request %d still exists in the IdP and still gets tokens, but the IdP refuses the registration access token "+
				"the Portal holds for it (rotated or revoked in the IdP). The Portal can no longer update or delete this client: revoking the access would "+
				"leave it in the IdP. Rotate the credential (change rotation_triggers) to register a fresh client, then delete the old one in the IdP.", c.OAuthClientID, ar.ID))
	case errors.Is(err, oidc.ErrClientGone):
		m.IdPClientStatus = types.StringValue(idpMissing)
		diags.AddWarning(
			"OAuth client missing in the IdP",
			fmt.Sprintf(
				"The IdP no longer has client %s of access request %d (deleted outside the Portal). The next apply replaces the access, which registers a new client.",
				c.OAuthClientID,
				ar.ID,
			),
		)
	case err != nil:
		diags.AddWarning("OAuth client not verified", "Reading the client from the IdP failed: "+err.Error())
	default:
		if rc.RegistrationAccessToken != "" && rc.RegistrationAccessToken != c.DCRRegistrationAccessToken {
			diags.AddWarning("The IdP rotated the registration access token on read",
				"This IdP (for example Curity) issues a new registration access token on every RFC 7592 read, which leaves the Portal holding a dead one. "+
					"Set verify_idp_client_via = \"token_endpoint\" on this resource: it checks the client through the token endpoint and never touches that token.")
		}
		idpScopes := strings.Fields(rc.Scope)
		sort.Strings(idpScopes)
		sort.Strings(scopes)
		idpGrants := append([]string(nil), rc.GrantTypes...)
		sort.Strings(idpGrants)
		sort.Strings(grants)
		if slices.Equal(idpScopes, scopes) && (len(idpGrants) == 0 || slices.Equal(idpGrants, grants)) {
			m.IdPClientStatus = types.StringValue(idpOK)
		} else {
			m.IdPClientStatus = types.StringValue(idpDrifted)
			diags.AddWarning("OAuth client changed in the IdP",
				fmt.Sprintf("Client %s has scopes %q and grant types %q in the IdP, but the Portal registered %q and %q. The next apply replaces the access.",
					c.OAuthClientID, rc.Scope, strings.Join(rc.GrantTypes, ","), strings.Join(scopes, " "), strings.Join(grants, ",")))
		}
	}
	return true
}

// probeOnlyKey marks reads of an imported access before any apply: the
// provider does not know yet whether the IdP rotates the registration
// access token on read, so it only asks the token endpoint, which is safe
// with every IdP (privateProbeOnly holds the mark until an apply).
type probeOnlyKey struct{}

const privateProbeOnly = "verify_idp_client_probe_only"

// probeIdPClient is verify_idp_client through the token endpoint: a
// client_credentials request for the registered scopes, with the client's
// own credentials (oidc.ProbeClient).
func (r *PortalAppAccessResource) probeIdPClient(ctx context.Context, m *appAccessModel, ar *portal.AccessRequest, c portal.Credential,
	scopes []string, diags *diag.Diagnostics,
) {
	te := m.TokenEndpoint.ValueString()
	if te == "" || c.OAuthClientSecret == "" {
		return
	}
	probe, err := r.data.idpClient().ProbeClient(ctx, te, c.OAuthClientID, c.OAuthClientSecret, c.TokenEndpoints, scopes)
	switch {
	case err != nil:
		diags.AddWarning("OAuth client not verified", "Asking the IdP's token endpoint failed: "+err.Error())
	case probe == oidc.ProbeOK:
		m.IdPClientStatus = types.StringValue(idpOK)
	case probe == oidc.ProbeUnknownClient:
		m.IdPClientStatus = types.StringValue(idpMissing)
		diags.AddWarning("OAuth client missing in the IdP",
			fmt.Sprintf("The IdP's token endpoint no longer knows client %s of access request %d (deleted outside the Portal, or its secret "+
				"changed). The next apply replaces the access, which registers a new client.", c.OAuthClientID, ar.ID))
	case probe == oidc.ProbeScopeRefused:
		m.IdPClientStatus = types.StringValue(idpDrifted)
		diags.AddWarning("OAuth client changed in the IdP",
			fmt.Sprintf("The IdP refuses client %s the scopes %q the Portal registered it for (changed in the IdP). The next apply replaces the access.",
				c.OAuthClientID, strings.Join(scopes, " ")))
	}
}

// clientStillAuthenticates asks the token endpoint whether the IdP still
// knows the client (see oidc.ClientAuthenticates); unknown means no.
func (r *PortalAppAccessResource) clientStillAuthenticates(ctx context.Context, m *appAccessModel, c portal.Credential) bool {
	te := m.TokenEndpoint.ValueString()
	if te == "" || c.OAuthClientSecret == "" {
		return false
	}
	ok, err := r.data.idpClient().ClientAuthenticates(ctx, te, c.OAuthClientID, c.OAuthClientSecret, c.TokenEndpoints)
	return err == nil && ok
}

func (r *PortalAppAccessResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state appAccessModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if mark, d := req.Private.GetKey(ctx, privateProbeOnly); !d.HasError() && len(mark) > 0 {
		ctx = context.WithValue(ctx, probeOnlyKey{}, true)
	}
	if !r.read(ctx, p, &state, nil, &resp.Diagnostics) {
		resp.Diagnostics.AddWarning(
			"Access request not found",
			fmt.Sprintf(
				"Access request %d of app %d no longer exists (revoked or deleted in the Portal); removing it from state so that the next plan requests access again.",
				state.ID.ValueInt64(),
				state.AppID.ValueInt64(),
			),
		)
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *PortalAppAccessResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state appAccessModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, 3*time.Minute)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	plan.ID, plan.TokenEndpoint = state.ID, state.TokenEndpoint
	if !plan.RotationTriggers.Equal(state.RotationTriggers) && !state.CredentialID.IsNull() {
		old := state.CredentialID.ValueInt64()
		if err := p.RotateCredential(ctx, state.AppID.ValueInt64(), state.ID.ValueInt64(), old); err != nil {
			resp.Diagnostics.AddError("Could not rotate the credential", err.Error())
			return
		}
		if _, err := p.WaitForCredential(ctx, state.ID.ValueInt64(), -1); err != nil {
			resp.Diagnostics.AddError("Credential not issued after rotation", err.Error())
			return
		}
	}
	if !r.read(ctx, p, &plan, nil, &resp.Diagnostics) {
		resp.Diagnostics.AddError("Access request not found", fmt.Sprintf("Access request %d disappeared during the update.", state.ID.ValueInt64()))
		return
	}
	// Applied with its configuration: verify_idp_client_via now says how to verify.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateProbeOnly, nil)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PortalAppAccessResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state appAccessModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := p.RevokeAccess(ctx, state.AppID.ValueInt64(), state.ID.ValueInt64()); err != nil {
		resp.Diagnostics.AddError("Could not revoke the access request",
			err.Error()+"\nThe Portal could not delete the client in the identity provider; run the destroy again once the IdP is reachable.")
	}
}

// ImportState takes `<app_id>/<access_request_id>`, or
// `<app_id>/<access_request_id>/<client_type_id>` when the request's
// products allow more than one client type (no Portal answer says which one
// a request used).
func (r *PortalAppAccessResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.Split(req.ID, "/")
	ids := make([]int64, 0, len(parts))
	for _, part := range parts {
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			break
		}
		ids = append(ids, n)
	}
	if len(ids) != len(parts) || len(ids) < 2 || len(ids) > 3 {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected `<app_id>/<access_request_id>` or `<app_id>/<access_request_id>/<client_type_id>`, e.g. `4/12`; got %q.", req.ID))
		return
	}
	appID, arID := ids[0], ids[1]
	p := r.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ar, err := p.FindAppAccessRequest(ctx, appID, arID)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the access request", err.Error())
		return
	}
	// The request names its plan and products; map them back to ids.
	var planID int64
	if plans, err := p.ListPlans(ctx); err == nil {
		for _, pl := range plans {
			if pl.Name == ar.Plan {
				planID = pl.ID
			}
		}
	}
	productIDs, dcrProducts, _ := p.AccessProducts(ctx, ar)
	if planID == 0 || len(productIDs) != len(ar.Products) {
		resp.Diagnostics.AddError(
			"Could not resolve the access request",
			fmt.Sprintf("Plan %q or products %q of access request %d were not found in the Portal.", ar.Plan, ar.Products, arID),
		)
		return
	}
	m := appAccessModel{
		ID: types.Int64Value(arID), AppID: types.Int64Value(appID), PlanID: types.Int64Value(planID),
		ProductIDs:      types.SetValueMust(types.Int64Type, int64Values(productIDs)),
		VerifyIdPClient: types.BoolValue(true), StoreClientSecret: types.BoolValue(true), RotationTriggers: types.MapNull(types.StringType),
		ClientTypeID: types.Int64Null(), TokenEndpoint: types.StringNull(),
		Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType})},
	}
	if len(ids) == 3 {
		m.ClientTypeID = types.Int64Value(ids[2])
	} else if ar.DCREnabled {
		ct, err := p.CommonClientType(ctx, dcrProducts)
		if err != nil {
			resp.Diagnostics.AddError("Client type of the access request unknown",
				err.Error()+fmt.Sprintf(". Import with `%d/%d/<client_type_id>`.", appID, arID))
			return
		}
		m.ClientTypeID = types.Int64Value(ct)
	}
	if !m.ClientTypeID.IsNull() {
		r.tokenEndpoint(ctx, p, &m, &resp.Diagnostics)
	}
	r.read(context.WithValue(ctx, probeOnlyKey{}, true), p, &m, ar, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateProbeOnly, []byte(`true`))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// checkPlanScope reports a plan without a scope requested with a DCR product:
// the client would carry no plan scope, so no token could get the plan's
// limits (a token with only the product scope gets the default policy's).
func checkPlanScope(pl *portal.Plan, pr *portal.Product, diags *diag.Diagnostics) {
	if strings.TrimSpace(pl.JWTScope) != "" {
		return
	}
	diags.AddAttributeError(path.Root("plan_id"), "Plan without a scope",
		fmt.Sprintf("Plan %q has no scope, but API product %q uses dynamic client registration: the client the Portal registers "+
			"would carry no plan scope, so no token could get the plan's limits. Set scopes on the tyk_portal_plan.", pl.Name, pr.Name))
}

// secretInState returns what state holds of a client secret: the secret
// (unless the user keeps it out of state) and its SHA-256 fingerprint.
func secretInState(store types.Bool, secret string) (types.String, types.String) {
	fp := types.StringNull()
	if secret != "" {
		sum := sha256.Sum256([]byte(secret))
		fp = types.StringValue(hex.EncodeToString(sum[:]))
	}
	if !store.IsNull() && !store.IsUnknown() && !store.ValueBool() {
		return types.StringNull(), fp
	}
	return types.StringValue(secret), fp
}
