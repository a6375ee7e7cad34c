package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
)

var (
	_ resource.Resource                   = &APIResource{}
	_ resource.ResourceWithImportState    = &APIResource{}
	_ resource.ResourceWithValidateConfig = &APIResource{}
	_ resource.ResourceWithModifyPlan     = &APIResource{}
)

// APIResource manages a Tyk Classic API definition.
type APIResource struct{ resourceBase }

// NewAPIResource returns the tyk_api resource.
func NewAPIResource() resource.Resource { return &APIResource{} }

type apiModel struct {
	ID              types.String `tfsdk:"id"`
	APIID           types.String `tfsdk:"api_id"`
	InternalID      types.String `tfsdk:"internal_id"`
	Name            types.String `tfsdk:"name"`
	ListenPath      types.String `tfsdk:"listen_path"`
	TargetURL       types.String `tfsdk:"target_url"`
	StripListenPath types.Bool   `tfsdk:"strip_listen_path"`
	Active          types.Bool   `tfsdk:"active"`
	Keyless         types.Bool   `tfsdk:"keyless"`
	JWT             types.Object `tfsdk:"jwt"`
}

type jwtModel struct {
	SigningMethod     types.String `tfsdk:"signing_method"`
	JWKSURL           types.String `tfsdk:"jwks_url"`
	Source            types.String `tfsdk:"source"`
	IdentityBaseField types.String `tfsdk:"identity_base_field"`
	PolicyFieldName   types.String `tfsdk:"policy_field_name"`
	DefaultPolicyIDs  types.Set    `tfsdk:"default_policy_ids"`
	ScopeClaimName    types.String `tfsdk:"scope_claim_name"`
}

var jwtAttrTypes = map[string]attr.Type{
	"signing_method": types.StringType, "jwks_url": types.StringType, "source": types.StringType,
	"identity_base_field": types.StringType, "policy_field_name": types.StringType,
	"default_policy_ids": types.SetType{ElemType: types.StringType}, "scope_claim_name": types.StringType,
}

var listenPathPattern = regexp.MustCompile(`^/[^\s]*$`)

func (r *APIResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api"
}

func (r *APIResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := apiBasics(apiFields{name: "UI: API Name", listenPath: "UI: Listen path", target: "UI: Target URL",
		strip: "UI: Strip listen path", active: "UI: Active"})
	resp.Schema = schema.Schema{
		Description: "A Tyk Classic API definition in the Dashboard (Dashboard → APIs), with the JWT settings DCR needs. " +
			"Only the attributes below are managed: every other field of the definition (versions, middleware, plugins, " +
			"and the scope mappings owned by `tyk_api_scope_mapping`) is left as it is on update.",
		Attributes: withAttributes(attrs, map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, Description: "Same as `api_id`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"api_id": schema.StringAttribute{
				Optional: true, Computed: true,
				Description:   "Public API id (UI: API ID). Generated (32 hex characters) when not set. Changing it replaces the API.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured()},
				Validators: []validator.String{
					stringvalidator.RegexMatches(regexp.MustCompile(`^[A-Za-z0-9._~-]+$`), "may contain only letters, digits, '.', '_', '-' and '~'"),
				},
			},
			"internal_id": schema.StringAttribute{
				Computed: true, Description: "The Dashboard's database id of the definition (`id`, 24 hex characters).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"keyless": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Open (keyless) API (UI: Authentication mode → Open). Cannot be combined with `jwt`. Default `false`.",
			},
			"jwt": jwtAttribute(),
		}),
	}
}

// apiFields names, for each attribute tyk_api and tyk_oas_api share, where
// its value lives (a UI label or a field of the definition).
type apiFields struct{ name, listenPath, target, strip, active string }

// apiBasics are the attributes tyk_api and tyk_oas_api share.
func apiBasics(f apiFields) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name": schema.StringAttribute{
			Required: true, Description: "API name (" + f.name + ").",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"listen_path": schema.StringAttribute{
			Required: true, Description: "Path the Gateway serves the API on (" + f.listenPath + "), e.g. `/payments/`.",
			Validators: []validator.String{stringvalidator.RegexMatches(listenPathPattern, "must start with '/' and contain no spaces")},
		},
		"target_url": schema.StringAttribute{
			Required: true, Description: "Upstream URL the Gateway proxies to (" + f.target + ").",
			Validators: []validator.String{httpURL()},
		},
		"strip_listen_path": schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(true),
			Description: "Remove the listen path before proxying (" + f.strip + "). Default `true`.",
		},
		"active": schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(true),
			Description: "Whether the Gateway serves the API (" + f.active + "). Default `true`.",
		},
	}
}

// withAttributes adds more to a set of attributes.
func withAttributes(base, more map[string]schema.Attribute) map[string]schema.Attribute {
	maps.Copy(base, more)
	return base
}

// jwtAttribute is the JWT settings block of tyk_api and tyk_oas_api.
func jwtAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		Description: "JWT authentication (UI: Authentication mode → JSON Web Token). Required on every API of a DCR product. " +
			"Attributes left unset inside it are not managed, so that Portal 1.13+ can fill in the JWKS source and default policy at approval time.",
		Attributes: map[string]schema.Attribute{
			"signing_method": schema.StringAttribute{
				Required: true, Description: "JWT signing method (UI: JWT signing method): `rsa`, `hmac` or `ecdsa`. DCR IdPs sign with RSA.",
				Validators: []validator.String{stringvalidator.OneOf("rsa", "hmac", "ecdsa")},
			},
			"jwks_url": schema.StringAttribute{
				Optional: true, Description: "The IdP's JWKS URL (UI: Public key, as a URL), e.g. Hydra's `…/.well-known/jwks.json`. " +
					"Stored base64-encoded in `jwt_source`, as Tyk documents. Conflicts with `source`.",
				Validators: []validator.String{httpURL(), stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("source"))},
			},
			"source": schema.StringAttribute{
				Optional: true, Sensitive: true,
				Description: "Raw `jwt_source`: a base64-encoded PEM public key or HMAC secret. Sensitive. Conflicts with `jwks_url`.",
			},
			"identity_base_field": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("sub"),
				Description: "Claim that identifies the caller (UI: Identity source). Default `sub`.",
			},
			"policy_field_name": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("pol"),
				Description: "Claim holding a policy id (UI: Policy field name). Default `pol`.",
			},
			"default_policy_ids": schema.SetAttribute{
				ElementType: types.StringType, Optional: true,
				Description: "Policies applied when no scope maps (UI: Default policies), e.g. the \"No Operation\" policy's `id`. " +
					"Required on Gateways before 5.11 when scope mapping is used. Unset means not managed.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"scope_claim_name": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("scope"),
				Description: "Claim holding the token's scopes (UI: Scope name). `scope` for Keycloak, `scp` for Okta and Hydra's default. " +
					"Written to `scopes.jwt.scope_claim_name` and the deprecated `jwt_scope_claim_name`. Default `scope`.",
			},
		},
	}
}

func (r *APIResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *APIResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m apiModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.JWT.IsNull() && !m.Keyless.IsNull() && !m.Keyless.IsUnknown() && m.Keyless.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("keyless"), "Keyless API with JWT authentication",
			"An API is either open (keyless = true) or protected by JWT; remove keyless or the jwt block.")
	}
}

func (r *APIResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	def := dashboard.NewClassicAPI(plan.APIID.ValueString())
	resp.Diagnostics.Append(plan.toAPI(ctx, def)...)
	if resp.Diagnostics.HasError() {
		return
	}
	w, err := d.CreateAPI(ctx, def)
	if err != nil {
		resp.Diagnostics.AddError("Could not create Tyk API", fmt.Sprintf("Creating API %q failed: %s", def.Name, err))
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, &w.APIDefinition)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *APIResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	w, err := d.GetAPIOnce(ctx, state.ID.ValueString()) // shared with its mappings' Read and the checks
	if readFailed(
		ctx,
		resp,
		err,
		"Tyk API",
		fmt.Sprintf("API %s (%s) no longer exists in the Tyk Dashboard", state.ID.ValueString(), state.Name.ValueString()),
	) {
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, &w.APIDefinition)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *APIResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state apiModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var convDiags diag.Diagnostics
	w, err := d.ModifyAPI(ctx, state.ID.ValueString(), func(def *dashboard.APIDefinition) error {
		convDiags = plan.toAPI(ctx, def)
		if convDiags.HasError() {
			return fmt.Errorf("invalid configuration")
		}
		return nil
	})
	resp.Diagnostics.Append(convDiags...)
	if err != nil {
		if !convDiags.HasError() {
			resp.Diagnostics.AddError("Could not update Tyk API", err.Error())
		}
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, &w.APIDefinition)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *APIResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteFailed(&resp.Diagnostics, d.DeleteAPI(ctx, state.ID.ValueString()), "Tyk API")
}

func (r *APIResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if strings.TrimSpace(req.ID) == "" {
		resp.Diagnostics.AddError("Invalid import ID", "Expected the API's api_id.")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

func (m *apiModel) toAPI(ctx context.Context, def *dashboard.APIDefinition) diag.Diagnostics {
	var diags diag.Diagnostics
	def.Name = m.Name.ValueString()
	def.Active = m.Active.ValueBool()
	def.Proxy.ListenPath = m.ListenPath.ValueString()
	def.Proxy.TargetURL = m.TargetURL.ValueString()
	def.Proxy.StripListenPath = m.StripListenPath.ValueBool()
	def.UseKeyless = m.Keyless.ValueBool()
	def.EnableJWT = !m.JWT.IsNull()
	if m.JWT.IsNull() {
		return diags
	}
	def.UseKeyless = false
	var j jwtModel
	diags.Append(m.JWT.As(ctx, &j, objectAsOptions)...)
	def.JWTSigningMethod = j.SigningMethod.ValueString()
	switch {
	case !j.JWKSURL.IsNull():
		def.SetJWKSURL(j.JWKSURL.ValueString())
	case !j.Source.IsNull():
		def.JWTSource = j.Source.ValueString()
	}
	def.JWTIdentityBaseField = j.IdentityBaseField.ValueString()
	def.JWTPolicyFieldName = j.PolicyFieldName.ValueString()
	if !j.DefaultPolicyIDs.IsNull() {
		var ids []string
		diags.Append(j.DefaultPolicyIDs.ElementsAs(ctx, &ids, false)...)
		sort.Strings(ids)
		def.JWTDefaultPolicies = nonNil(ids)
	}
	def.SetScopeClaimName(j.ScopeClaimName.ValueString())
	return diags
}

func (m *apiModel) fromAPI(ctx context.Context, def *dashboard.APIDefinition) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(def.APIID)
	m.APIID = types.StringValue(def.APIID)
	m.InternalID = types.StringValue(def.ID)
	m.Name = types.StringValue(def.Name)
	m.Active = types.BoolValue(def.Active)
	m.ListenPath = types.StringValue(def.Proxy.ListenPath)
	m.TargetURL = types.StringValue(def.Proxy.TargetURL)
	m.StripListenPath = types.BoolValue(def.Proxy.StripListenPath)
	m.Keyless = types.BoolValue(def.UseKeyless)
	obj, d := jwtObjectFrom(ctx, m.JWT, def)
	diags.Append(d...)
	m.JWT = obj
	return diags
}

// jwtObjectFrom is the jwt attribute for an API definition as the Gateway
// runs it; current is the attribute's value so far (null or unknown on
// import).
func jwtObjectFrom(ctx context.Context, current types.Object, def *dashboard.APIDefinition) (types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !def.EnableJWT {
		return types.ObjectNull(jwtAttrTypes), diags
	}
	importing := current.IsNull() || current.IsUnknown()
	var prior jwtModel
	if !importing {
		diags.Append(current.As(ctx, &prior, objectAsOptions)...)
	}
	j := jwtModel{
		SigningMethod:     types.StringValue(def.JWTSigningMethod),
		IdentityBaseField: types.StringValue(def.JWTIdentityBaseField),
		PolicyFieldName:   types.StringValue(def.JWTPolicyFieldName),
		ScopeClaimName:    types.StringValue(def.ScopeClaimName()),
		JWKSURL:           types.StringNull(),
		Source:            types.StringNull(),
		DefaultPolicyIDs:  types.SetNull(types.StringType),
	}
	policies, d := types.SetValueFrom(ctx, types.StringType, nonNil(def.JWTDefaultPolicies))
	diags.Append(d...)
	jwksURL, isURL := def.JWKSURL()
	if importing {
		// Import, or JWT switched on outside Terraform: show what is there.
		if isURL {
			j.JWKSURL = types.StringValue(jwksURL)
		} else if def.JWTSource != "" {
			j.Source = types.StringValue(def.JWTSource)
		}
		if len(def.JWTDefaultPolicies) > 0 {
			j.DefaultPolicyIDs = policies
		}
	} else {
		// jwks_url, source and default_policy_ids are only reflected when
		// managed (set in configuration), so that values Portal 1.13+ writes
		// at approval time are not reported as drift.
		if !prior.JWKSURL.IsNull() {
			j.JWKSURL = types.StringValue(jwksURL) // "" when the source is no longer a URL: drift
		}
		if !prior.Source.IsNull() {
			j.Source = types.StringValue(def.JWTSource)
		}
		if !prior.DefaultPolicyIDs.IsNull() {
			j.DefaultPolicyIDs = policies
		}
	}
	obj, d := types.ObjectValueFrom(ctx, jwtAttrTypes, j)
	diags.Append(d...)
	return obj, diags
}

// ModifyPlan checks a change of an existing API's default policies for the
// plan bypass (plan_bypass.go): without a default policy that sets limits, a
// token whose scopes map only to an ACL-only policy is unlimited.
func (r *APIResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan apiModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !knownStr(plan.APIID) || plan.JWT.IsUnknown() {
		return
	}
	defaults := []string{}
	if !plan.JWT.IsNull() {
		var j jwtModel
		resp.Diagnostics.Append(plan.JWT.As(ctx, &j, objectAsOptions)...)
		if j.DefaultPolicyIDs.IsUnknown() {
			return
		}
		ids, ok := knownStrings(j.DefaultPolicyIDs)
		if !ok {
			return
		}
		defaults = ids
	}
	reportPlanBypass(ctx, r.data, bypassOverlay{apiID: plan.APIID.ValueString(), defaults: &defaults}, nil,
		func(bypassFinding) path.Path { return path.Root("jwt").AtName("default_policy_ids") }, &resp.Diagnostics)
}
