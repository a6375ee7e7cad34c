package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
)

var (
	_ resource.Resource                   = &OASAPIResource{}
	_ resource.ResourceWithImportState    = &OASAPIResource{}
	_ resource.ResourceWithValidateConfig = &OASAPIResource{}
	_ resource.ResourceWithModifyPlan     = &OASAPIResource{}
)

// OASAPIResource manages a Tyk OAS API definition.
type OASAPIResource struct{ resourceBase }

// NewOASAPIResource returns the tyk_oas_api resource.
func NewOASAPIResource() resource.Resource { return &OASAPIResource{} }

type oasAPIModel struct {
	ID              types.String         `tfsdk:"id"`
	Name            types.String         `tfsdk:"name"`
	ListenPath      types.String         `tfsdk:"listen_path"`
	TargetURL       types.String         `tfsdk:"target_url"`
	StripListenPath types.Bool           `tfsdk:"strip_listen_path"`
	Active          types.Bool           `tfsdk:"active"`
	SchemeName      types.String         `tfsdk:"security_scheme_name"`
	JWT             types.Object         `tfsdk:"jwt"`
	OpenAPI         jsontypes.Normalized `tfsdk:"openapi_document"`
}

func (r *OASAPIResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oas_api"
}

func (r *OASAPIResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	jwt := jwtAttribute()
	jwt.Description = "JWT authentication through an OpenAPI security scheme named `security_scheme_name`: the provider declares " +
		"it in `components.securitySchemes` (type http, scheme bearer, bearerFormat JWT), makes it the first security requirement, " +
		"and writes these settings to `x-tyk-api-gateway.server.authentication.securitySchemes.<name>`. The scheme's " +
		"`scopes.scopeToPolicyMapping` belongs to `tyk_api_scope_mapping`. Without `jwt` the API is open (keyless)."
	attrs := apiBasics(apiFields{name: "`x-tyk-api-gateway.info.name`", listenPath: "`x-tyk-api-gateway.server.listenPath.value`",
		target: "`x-tyk-api-gateway.upstream.url`", strip: "`server.listenPath.strip`", active: "`info.state.active`"})
	resp.Schema = schema.Schema{
		Description: "A Tyk OAS API definition in the Dashboard (`/api/apis/oas`): an OpenAPI 3 description with Tyk's " +
			"`x-tyk-api-gateway` extension, with first-class attributes for what DCR needs. Only the attributes below are " +
			"managed: every other field of the extension (middleware, plugins, the scope mappings owned by " +
			"`tyk_api_scope_mapping`) is left as it is on update. See the Classic vs OAS section of the DCR guide.",
		Attributes: withAttributes(attrs, map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, Description: "The API's id (`x-tyk-api-gateway.info.id`, the `api_id` other resources reference).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"security_scheme_name": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("jwtAuth"),
				Description:   "Name of the OpenAPI security scheme `jwt` manages. Default `jwtAuth`. Changing it replaces the API.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"jwt": jwt,
			"openapi_document": schema.StringAttribute{
				CustomType: jsontypes.NormalizedType{}, Optional: true, Computed: true,
				Description: "The OpenAPI 3 description (JSON), without `x-tyk-api-gateway` and without the `jwt` scheme, which the " +
					"provider adds. Formatting does not matter. Unset: a minimal description named after the API on create, and " +
					"whatever the API holds afterwards is left alone (and shown here).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		}),
	}
}

func (r *OASAPIResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig keeps one owner per field: the description must not carry
// the Tyk extension (its managed fields are attributes, the others are left
// alone) nor the scheme `jwt` manages.
func (r *OASAPIResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m oasAPIModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.OpenAPI.IsNull() || m.OpenAPI.IsUnknown() {
		return
	}
	at := path.Root("openapi_document")
	var doc map[string]any
	if err := json.Unmarshal([]byte(m.OpenAPI.ValueString()), &doc); err != nil || doc == nil {
		resp.Diagnostics.AddAttributeError(at, "Invalid OpenAPI document", "openapi_document must be a JSON object (use jsonencode or file).")
		return
	}
	if _, ok := doc["openapi"].(string); !ok {
		resp.Diagnostics.AddAttributeError(at, "Invalid OpenAPI document", "openapi_document has no \"openapi\" version field, e.g. \"3.0.3\".")
	}
	if _, ok := doc[dashboard.TykExtension]; ok {
		resp.Diagnostics.AddAttributeError(at, "x-tyk-api-gateway in openapi_document",
			"The Tyk extension is managed through this resource's attributes (name, listen_path, target_url, active, jwt); "+
				"its other fields are left as they are on the API. Remove x-tyk-api-gateway from openapi_document.")
	}
	if m.JWT.IsNull() || m.SchemeName.IsUnknown() {
		return
	}
	scheme := "jwtAuth"
	if !m.SchemeName.IsNull() {
		scheme = m.SchemeName.ValueString()
	}
	components, _ := doc["components"].(map[string]any)
	schemes, _ := components["securitySchemes"].(map[string]any)
	_, declared := schemes[scheme]
	named := false
	security, _ := doc["security"].([]any)
	for _, req := range security {
		if m, ok := req.(map[string]any); ok {
			_, mine := m[scheme]
			named = named || mine
		}
	}
	if declared || named {
		resp.Diagnostics.AddAttributeError(at, "JWT security scheme in openapi_document",
			fmt.Sprintf("The security scheme %q belongs to the jwt attribute, which declares it and makes it the first security "+
				"requirement. Remove it from components.securitySchemes and security, or set security_scheme_name to another name.", scheme))
	}
}

// jwtSettings is the jwt attribute as the OAS client writes it; defaults is
// nil when default_policy_ids is not managed.
func jwtSettings(ctx context.Context, o types.Object) (dashboard.JWT, []string, diag.Diagnostics) {
	var j jwtModel
	diags := o.As(ctx, &j, objectAsOptions)
	out := dashboard.JWT{
		Enabled: true, SigningMethod: j.SigningMethod.ValueString(), IdentityBaseField: j.IdentityBaseField.ValueString(),
		PolicyFieldName: j.PolicyFieldName.ValueString(), ScopeClaimName: j.ScopeClaimName.ValueString(),
	}
	switch {
	case !j.JWKSURL.IsNull():
		out.Source = dashboard.JWKSSource(j.JWKSURL.ValueString())
	case !j.Source.IsNull():
		out.Source = j.Source.ValueString()
	}
	var defaults []string
	if !j.DefaultPolicyIDs.IsNull() {
		diags.Append(j.DefaultPolicyIDs.ElementsAs(ctx, &defaults, false)...)
		sort.Strings(defaults)
		defaults = nonNil(defaults)
	}
	return out, defaults, diags
}

// apply writes the plan into o; config tells whether openapi_document is
// managed (set in configuration).
func (m *oasAPIModel) apply(ctx context.Context, o *dashboard.OASAPI, managedDoc bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if managedDoc {
		var part map[string]any
		if err := json.Unmarshal([]byte(m.OpenAPI.ValueString()), &part); err != nil {
			diags.AddAttributeError(path.Root("openapi_document"), "Invalid OpenAPI document", err.Error())
			return diags
		}
		// The managed scheme goes with the old description: SetJWT below
		// declares it again.
		o.SetOpenAPIPart(part)
	}
	o.SetBasics(m.Name.ValueString(), m.Active.ValueBool(), m.ListenPath.ValueString(), m.StripListenPath.ValueBool(), m.TargetURL.ValueString())
	if m.JWT.IsNull() {
		o.DisableAuthentication()
		return diags
	}
	j, defaults, d := jwtSettings(ctx, m.JWT)
	diags.Append(d...)
	o.SetJWT(m.SchemeName.ValueString(), j, defaults)
	return diags
}

// read sets the model from the API as stored.
func (m *oasAPIModel) read(ctx context.Context, id string, o *dashboard.OASAPI) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(id)
	m.Name = types.StringValue(o.Name())
	m.Active = types.BoolValue(o.Active())
	lp, strip := o.ListenPath()
	m.ListenPath, m.StripListenPath = types.StringValue(lp), types.BoolValue(strip)
	m.TargetURL = types.StringValue(o.UpstreamURL())
	scheme := m.SchemeName.ValueString()
	if m.SchemeName.IsNull() || m.SchemeName.IsUnknown() {
		// Import: the scheme the Gateway uses, else the default name.
		scheme = "jwtAuth"
		if name, ok := o.JWTSchemeName(); ok {
			scheme = name
		}
		m.SchemeName = types.StringValue(scheme)
	}
	view := o.ClassicView(id)
	if name, ok := o.JWTSchemeName(); !ok || name != scheme {
		view.EnableJWT = false // the managed scheme is not the one in use: drift shows as jwt gone
	}
	obj, d := jwtObjectFrom(ctx, m.JWT, view)
	diags.Append(d...)
	m.JWT = obj
	b, err := json.Marshal(o.OpenAPIPart(scheme))
	if err != nil {
		diags.AddError("Could not encode the OpenAPI description", err.Error())
		return diags
	}
	m.OpenAPI = jsontypes.NewNormalizedValue(string(b))
	return diags
}

func docManaged(ctx context.Context, cfg tfsdk.Config, diags *diag.Diagnostics) bool {
	var v jsontypes.Normalized
	diags.Append(cfg.GetAttribute(ctx, path.Root("openapi_document"), &v)...)
	return !v.IsNull()
}

func (r *OASAPIResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan oasAPIModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	d := r.dashboardClient(&resp.Diagnostics)
	managed := docManaged(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	o := dashboard.NewOASAPI(plan.Name.ValueString(), nil)
	resp.Diagnostics.Append(plan.apply(ctx, o, managed)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := d.CreateOASAPI(ctx, o, "")
	if err != nil {
		resp.Diagnostics.AddError("Could not create Tyk OAS API", fmt.Sprintf("Creating OAS API %q failed: %s", plan.Name.ValueString(), err))
		return
	}
	stored, err := d.GetOASAPI(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the new Tyk OAS API", err.Error())
		return
	}
	resp.Diagnostics.Append(plan.read(ctx, id, stored)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *OASAPIResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state oasAPIModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	o, err := d.GetOASAPI(ctx, state.ID.ValueString())
	if readFailed(ctx, resp, err, "Tyk OAS API",
		fmt.Sprintf("OAS API %s (%s) no longer exists in the Tyk Dashboard", state.ID.ValueString(), state.Name.ValueString())) {
		return
	}
	resp.Diagnostics.Append(state.read(ctx, state.ID.ValueString(), o)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *OASAPIResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state oasAPIModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	d := r.dashboardClient(&resp.Diagnostics)
	managed := docManaged(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var convDiags diag.Diagnostics
	o, err := d.ModifyOASAPI(ctx, state.ID.ValueString(), func(o *dashboard.OASAPI) error {
		convDiags = plan.apply(ctx, o, managed)
		if convDiags.HasError() {
			return fmt.Errorf("invalid configuration")
		}
		return nil
	})
	resp.Diagnostics.Append(convDiags...)
	if err != nil {
		if !convDiags.HasError() {
			resp.Diagnostics.AddError("Could not update Tyk OAS API", err.Error())
		}
		return
	}
	resp.Diagnostics.Append(plan.read(ctx, state.ID.ValueString(), o)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *OASAPIResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state oasAPIModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	d := r.dashboardClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteFailed(&resp.Diagnostics, d.DeleteOASAPI(ctx, state.ID.ValueString()), "Tyk OAS API")
}

func (r *OASAPIResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if strings.TrimSpace(req.ID) == "" {
		resp.Diagnostics.AddError("Invalid import ID", "Expected the OAS API's id (x-tyk-api-gateway.info.id, as the Dashboard shows it).")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// ModifyPlan checks a change of the API's default policies for the plan
// bypass, as tyk_api does.
func (r *OASAPIResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan oasAPIModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !knownStr(plan.ID) || plan.JWT.IsUnknown() {
		return
	}
	defaults := []string{}
	if !plan.JWT.IsNull() {
		var j jwtModel
		resp.Diagnostics.Append(plan.JWT.As(ctx, &j, objectAsOptions)...)
		ids, ok := knownStrings(j.DefaultPolicyIDs)
		if j.DefaultPolicyIDs.IsUnknown() || !ok {
			return
		}
		defaults = ids
	}
	reportPlanBypass(ctx, r.data, bypassOverlay{apiID: plan.ID.ValueString(), defaults: &defaults}, nil,
		func(bypassFinding) path.Path { return path.Root("jwt").AtName("default_policy_ids") }, &resp.Diagnostics)
}
