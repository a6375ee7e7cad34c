// Package provider implements the Tyk DCR Terraform provider on
// terraform-plugin-framework. Resources are thin mappings between Terraform
// models and the clients in internal/client.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/oidc"
	portalclient "github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

// Environment variables read when the provider block leaves a setting unset.
const (
	EnvDashboardURL       = "TYK_DASHBOARD_URL"
	EnvDashboardToken     = "TYK_DASHBOARD_TOKEN"
	EnvPortalURL          = "TYK_PORTAL_URL"
	EnvPortalToken        = "TYK_PORTAL_TOKEN"
	EnvInsecureSkipVerify = "TYK_INSECURE_SKIP_VERIFY"
	EnvRequestTimeout     = "TYK_REQUEST_TIMEOUT"
	EnvMaxRetries         = "TYK_MAX_RETRIES"
)

var (
	_ provider.Provider                       = &TykProvider{}
	_ provider.ProviderWithEphemeralResources = &TykProvider{}
)

// TykProvider is the provider implementation.
type TykProvider struct {
	version string
}

// New returns a provider factory for the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &TykProvider{version: version} }
}

type providerModel struct {
	DashboardURL       types.String `tfsdk:"dashboard_url"`
	DashboardToken     types.String `tfsdk:"dashboard_token"`
	PortalURL          types.String `tfsdk:"portal_url"`
	PortalToken        types.String `tfsdk:"portal_token"`
	InsecureSkipVerify types.Bool   `tfsdk:"insecure_skip_verify"`
	RequestTimeout     types.String `tfsdk:"request_timeout"`
	MaxRetries         types.Int64  `tfsdk:"max_retries"`
	AllowPlanBypass    types.Bool   `tfsdk:"allow_plan_bypass"`
	DashboardTLS       types.Object `tfsdk:"dashboard_tls"`
	PortalTLS          types.Object `tfsdk:"portal_tls"`
	IdPTLS             types.Object `tfsdk:"idp_tls"`
}

func (p *TykProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "tyk"
	resp.Version = p.version
}

func (p *TykProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Manages Tyk's OAuth 2.0 Dynamic Client Registration setup: Dashboard policies, APIs and scope mappings, " +
			"and the Developer Portal's OAuth providers, client types, products, plans, apps and approved access.",
		Attributes: map[string]schema.Attribute{
			"dashboard_url": schema.StringAttribute{
				Optional:    true,
				Description: "Base URL of the Tyk Dashboard API, e.g. `http://tyk-dashboard:3000`. Also read from `" + EnvDashboardURL + "`.",
				Validators:  []validator.String{httpURL()},
			},
			"dashboard_token": schema.StringAttribute{
				Optional:    true,
				Sensitive:   true,
				Description: "Tyk Dashboard user API key (sent raw in the `Authorization` header). Also read from `" + EnvDashboardToken + "`.",
			},
			"portal_url": schema.StringAttribute{
				Optional:    true,
				Description: "Base URL of the Tyk Enterprise Developer Portal, without `/portal-api`, e.g. `http://tyk-portal:3001`. Also read from `" + EnvPortalURL + "`.",
				Validators:  []validator.String{httpURL()},
			},
			"portal_token": schema.StringAttribute{
				Optional:    true,
				Sensitive:   true,
				Description: "Developer Portal admin API token (the admin user's API token). Also read from `" + EnvPortalToken + "`.",
			},
			"insecure_skip_verify": schema.BoolAttribute{
				Optional: true,
				Description: "Skip TLS certificate verification towards the Dashboard, the Portal and identity providers (testing only; " +
					"the provider warns). Default `false`. Also read from `" + EnvInsecureSkipVerify + "`. Prefer `*_tls.ca_file` for a private CA.",
			},
			"dashboard_tls": dashboardTLS.schema(),
			"portal_tls":    portalTLS.schema(),
			"idp_tls":       idpTLS.schema(),
			"request_timeout": schema.StringAttribute{
				Optional:    true,
				Description: "Timeout of one HTTP request, as a Go duration (`30s`, `2m`). Default `30s`. Also read from `" + EnvRequestTimeout + "`.",
				Validators:  []validator.String{duration()},
			},
			"allow_plan_bypass": schema.BoolAttribute{
				Optional: true,
				Description: "Allow scope mappings that let a token skip its plan. By default a plan in which a scope maps to a policy that " +
					"grants an API through its ACL partition only, while the API's default policies leave the rate limit or quota unlimited " +
					"(or the API has no default policy), is an error: the Tyk Gateway gives such a token the session's unlimited root " +
					"limits, so a consumer asking the IdP for the product scope alone is not held to any plan. Set `true` only if that is " +
					"intended. Default `false`. See the DCR guide.",
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				Description: "How many times a failed request is retried (connection errors, 429, and 5xx for idempotent requests), " +
					"with jittered exponential backoff that honours `Retry-After`. Default `4`; `0` disables retries. Also read from `" + EnvMaxRetries + "`.",
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
		},
	}
}

// planeConfig is the resolved connection setting of one plane.
type planeConfig struct {
	name, urlAttr, tokenAttr, urlEnv, tokenEnv string
	url, token                                 string
	unknown                                    bool
}

func (p *TykProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{}

	insecure := envBool(EnvInsecureSkipVerify)
	if !cfg.InsecureSkipVerify.IsNull() && !cfg.InsecureSkipVerify.IsUnknown() {
		insecure = cfg.InsecureSkipVerify.ValueBool()
	}
	timeout := client.DefaultTimeout
	timeoutStr := os.Getenv(EnvRequestTimeout)
	if !cfg.RequestTimeout.IsNull() && !cfg.RequestTimeout.IsUnknown() {
		timeoutStr = cfg.RequestTimeout.ValueString()
	}
	if timeoutStr != "" {
		d, err := time.ParseDuration(timeoutStr)
		if err != nil || d <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid request timeout",
				fmt.Sprintf("%q is not a positive Go duration such as \"30s\". Set request_timeout or %s to a valid value.", timeoutStr, EnvRequestTimeout))
			return
		}
		timeout = d
	}
	retries := client.DefaultMaxRetries
	if v := os.Getenv(EnvMaxRetries); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 20 {
			resp.Diagnostics.AddError("Invalid "+EnvMaxRetries, fmt.Sprintf("%s must be a whole number from 0 to 20, got %q.", EnvMaxRetries, v))
			return
		}
		retries = n
	}
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		retries = int(cfg.MaxRetries.ValueInt64())
	}
	if retries == 0 {
		retries = -1 // client: negative means none
	}
	ua := fmt.Sprintf("terraform-provider-tyk/%s terraform/%s", p.version, req.TerraformVersion)

	dash := resolvePlane(cfg.DashboardURL, cfg.DashboardToken, planeConfig{
		name: "Tyk Dashboard", urlAttr: "dashboard_url", tokenAttr: "dashboard_token", urlEnv: EnvDashboardURL, tokenEnv: EnvDashboardToken,
	})
	portal := resolvePlane(cfg.PortalURL, cfg.PortalToken, planeConfig{
		name: "Tyk Portal", urlAttr: "portal_url", tokenAttr: "portal_token", urlEnv: EnvPortalURL, tokenEnv: EnvPortalToken,
	})
	data.dashboardCfg, data.portalCfg = dash, portal

	for _, secret := range []string{dash.token, portal.token} {
		if secret != "" {
			ctx = tflog.MaskAllFieldValuesStrings(ctx, secret)
			ctx = tflog.MaskMessageStrings(ctx, secret)
		}
	}

	dashTLS := dashboardTLS.resolve(ctx, cfg.DashboardTLS, insecure, &resp.Diagnostics)
	portTLS := portalTLS.resolve(ctx, cfg.PortalTLS, insecure, &resp.Diagnostics)
	idTLS := idpTLS.resolve(ctx, cfg.IdPTLS, insecure, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	warnInsecure(map[string]client.TLS{"Tyk Dashboard": dashTLS, "Developer Portal": portTLS, "identity providers": idTLS}, &resp.Diagnostics)

	if dash.url != "" && dash.token != "" {
		c, err := client.New(client.Config{
			Plane: "Tyk Dashboard", BaseURL: dash.url, Token: dash.token, TLS: dashTLS,
			Timeout: timeout, MaxRetries: retries, UserAgent: ua,
		})
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("dashboard_url"), "Invalid Tyk Dashboard URL", err.Error())
			return
		}
		data.dashboard = dashboard.New(c)
	}
	if portal.url != "" && portal.token != "" {
		c, err := client.New(client.Config{
			Plane: "Tyk Portal", BaseURL: portalclient.BaseURL(portal.url), Token: portal.token, TLS: portTLS,
			Timeout: timeout, MaxRetries: retries, UserAgent: ua,
		})
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("portal_url"), "Invalid Tyk Portal URL", err.Error())
			return
		}
		data.portal = portalclient.New(c)
	}
	idpHTTP, err := client.NewHTTPClient(idTLS, timeout)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("idp_tls"), "Invalid TLS settings", err.Error())
		return
	}
	data.idp, err = oidc.New(oidc.Options{TLS: idTLS, UserAgent: ua, MaxRetries: retries, HTTPClient: idpHTTP})
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("idp_tls"), "Invalid TLS settings", err.Error())
		return
	}
	data.allowPlanBypass = cfg.AllowPlanBypass.ValueBool()
	tflog.Debug(ctx, "Configured Tyk provider", map[string]any{
		"dashboard_configured": data.dashboard != nil, "portal_configured": data.portal != nil,
		"request_timeout": timeout.String(), "max_retries": retries,
	})
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
}

func resolvePlane(u, tok types.String, pc planeConfig) planeConfig {
	if u.IsUnknown() || tok.IsUnknown() {
		// Known only after apply: never fall back to the environment, which
		// could point at another installation.
		pc.unknown = true
		return pc
	}
	pc.url = os.Getenv(pc.urlEnv)
	pc.token = os.Getenv(pc.tokenEnv)
	if !u.IsNull() && !u.IsUnknown() {
		pc.url = u.ValueString()
	}
	if !tok.IsNull() && !tok.IsUnknown() {
		pc.token = tok.ValueString()
	}
	return pc
}

func envBool(k string) bool {
	b, _ := strconv.ParseBool(os.Getenv(k))
	return b
}

func (p *TykProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewPolicyResource,
		NewAPIResource,
		NewOASAPIResource,
		NewAPIScopeMappingResource,
		NewPortalOAuthProviderResource,
		NewPortalClientTypeResource,
		NewPortalUserResource,
		NewPortalAPIProviderResource,
		NewPortalProductResource,
		NewPortalPlanResource,
		NewPortalAppResource,
		NewPortalAppAccessResource,
	}
}

func (p *TykProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewPortalUserDataSource,
		NewPortalOAuthProviderDataSource,
		NewPortalProductDataSource,
		NewPortalPlanDataSource,
		NewOIDCDiscoveryDataSource,
		NewScopeResolutionDataSource,
		NewPoliciesDataSource,
		NewAPIsDataSource,
		NewPortalOAuthProvidersDataSource,
		NewPortalClientTypesDataSource,
		NewPortalProductsDataSource,
		NewPortalPlansDataSource,
		NewPortalUsersDataSource,
		NewPortalAppsDataSource,
		NewPortalAppAccessesDataSource,
	}
}

func (p *TykProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewOAuth2TokenEphemeral,
		NewPortalAppCredentialsEphemeral,
	}
}
