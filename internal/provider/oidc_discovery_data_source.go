package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSource = &OIDCDiscoveryDataSource{}

// OIDCDiscoveryDataSource reads an IdP's discovery document.
type OIDCDiscoveryDataSource struct{ resourceBase }

// NewOIDCDiscoveryDataSource returns data.tyk_oidc_discovery.
func NewOIDCDiscoveryDataSource() datasource.DataSource { return &OIDCDiscoveryDataSource{} }

type oidcDiscoveryModel struct {
	WellKnownURL         types.String `tfsdk:"well_known_url"`
	Issuer               types.String `tfsdk:"issuer"`
	TokenEndpoint        types.String `tfsdk:"token_endpoint"`
	JWKSURI              types.String `tfsdk:"jwks_uri"`
	RegistrationEndpoint types.String `tfsdk:"registration_endpoint"`
	ScopesSupported      types.List   `tfsdk:"scopes_supported"`
	GrantTypesSupported  types.List   `tfsdk:"grant_types_supported"`
	ResponseTypes        types.List   `tfsdk:"response_types_supported"`
	AuthMethodsSupported types.List   `tfsdk:"token_endpoint_auth_methods_supported"`
}

func (d *OIDCDiscoveryDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oidc_discovery"
}

func (d *OIDCDiscoveryDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	list := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{ElementType: types.StringType, Computed: true, Description: desc}
	}
	resp.Schema = schema.Schema{
		Description: "Reads an identity provider's OpenID Connect discovery document: the endpoints the DCR setup needs (JWKS for " +
			"`tyk_api`, token endpoint for consumers, registration endpoint the Portal uses) and what the IdP supports.",
		Attributes: map[string]schema.Attribute{
			"well_known_url": schema.StringAttribute{
				Required:    true,
				Description: "The discovery URL, e.g. `https://idp/.well-known/openid-configuration`.",
				Validators:  []validator.String{httpURL()},
			},
			"issuer":         schema.StringAttribute{Computed: true, Description: "The issuer (`iss` of the IdP's tokens)."},
			"token_endpoint": schema.StringAttribute{Computed: true, Description: "The token endpoint."},
			"jwks_uri":       schema.StringAttribute{Computed: true, Description: "The JWKS URL, for `tyk_api.jwt.jwks_url`."},
			"registration_endpoint": schema.StringAttribute{
				Computed: true, Description: "The RFC 7591 registration endpoint; empty when the IdP does not advertise one (the Portal then cannot register clients).",
			},
			"scopes_supported":                      list("Scopes the IdP advertises."),
			"grant_types_supported":                 list("Grant types the IdP supports."),
			"response_types_supported":              list("Response types the IdP supports."),
			"token_endpoint_auth_methods_supported": list("Token endpoint authentication methods the IdP supports."),
		},
	}
}

func (d *OIDCDiscoveryDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *OIDCDiscoveryDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m oidcDiscoveryModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	disc, err := d.data.idpClient().Discover(ctx, m.WellKnownURL.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("well_known_url"), "Discovery failed", err.Error())
		return
	}
	m.Issuer, m.TokenEndpoint, m.JWKSURI = types.StringValue(disc.Issuer), types.StringValue(disc.TokenEndpoint), types.StringValue(disc.JWKSURI)
	m.RegistrationEndpoint = types.StringValue(disc.RegistrationEndpoint)
	m.ScopesSupported = types.ListValueMust(types.StringType, stringValues(nonNil(disc.ScopesSupported)))
	m.GrantTypesSupported = types.ListValueMust(types.StringType, stringValues(nonNil(disc.GrantTypesSupported)))
	m.ResponseTypes = types.ListValueMust(types.StringType, stringValues(nonNil(disc.ResponseTypesSupported)))
	m.AuthMethodsSupported = types.ListValueMust(types.StringType, stringValues(nonNil(disc.TokenEndpointAuthMethodsSupported)))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
