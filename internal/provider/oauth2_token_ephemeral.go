package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ ephemeral.EphemeralResource              = &OAuth2TokenEphemeral{}
	_ ephemeral.EphemeralResourceWithConfigure = &OAuth2TokenEphemeral{}
)

// OAuth2TokenEphemeral obtains a client_credentials access token; it is
// never stored in state or plan (Terraform 1.10+).
type OAuth2TokenEphemeral struct{ resourceBase }

// NewOAuth2TokenEphemeral returns ephemeral.tyk_oauth2_token.
func NewOAuth2TokenEphemeral() ephemeral.EphemeralResource { return &OAuth2TokenEphemeral{} }

type oauth2TokenModel struct {
	TokenURL     types.String `tfsdk:"token_url"`
	WellKnownURL types.String `tfsdk:"well_known_url"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	Scopes       types.List   `tfsdk:"scopes"`
	AuthMethod   types.String `tfsdk:"token_endpoint_auth_method"`
	AccessToken  types.String `tfsdk:"access_token"`
	TokenType    types.String `tfsdk:"token_type"`
	ExpiresAt    types.String `tfsdk:"expires_at"`
	Granted      types.List   `tfsdk:"granted_scopes"`
}

func (e *OAuth2TokenEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth2_token"
}

func (e *OAuth2TokenEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An OAuth 2.0 access token from the client_credentials grant, e.g. for the credentials of a `tyk_portal_app_access`. " +
			"Ephemeral (Terraform 1.10+): the token is never written to state or plan; use it in provider blocks, write-only arguments or checks.",
		Attributes: map[string]schema.Attribute{
			"token_url": schema.StringAttribute{
				Optional: true, Description: "The IdP's token endpoint. Exactly one of `token_url` and `well_known_url`.",
				Validators: []validator.String{httpURL(), stringvalidator.ExactlyOneOf(path.MatchRoot("token_url"), path.MatchRoot("well_known_url"))},
			},
			"well_known_url": schema.StringAttribute{
				Optional:    true,
				Description: "The IdP's OpenID Connect discovery URL; the token endpoint is read from it.",
				Validators:  []validator.String{httpURL()},
			},
			"client_id":     schema.StringAttribute{Required: true, Description: "OAuth client id."},
			"client_secret": schema.StringAttribute{Required: true, Sensitive: true, Description: "OAuth client secret."},
			"scopes": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				Description: "Scopes to request, e.g. the product and plan scopes. Tyk's DCR guide has consumers request both.",
			},
			"token_endpoint_auth_method": schema.StringAttribute{
				Optional: true, Description: "`client_secret_basic` (default: HTTP Basic) or `client_secret_post` (credentials in the body); must match the client's registration.",
				Validators: []validator.String{stringvalidator.OneOf("client_secret_basic", "client_secret_post")},
			},
			"access_token":   schema.StringAttribute{Computed: true, Sensitive: true, Description: "The access token."},
			"token_type":     schema.StringAttribute{Computed: true, Description: "Token type, normally `bearer`."},
			"expires_at":     schema.StringAttribute{Computed: true, Description: "Expiry time (RFC 3339), empty when the IdP gave none."},
			"granted_scopes": schema.ListAttribute{ElementType: types.StringType, Computed: true, Description: "Scopes the IdP granted, as it reported them."},
		},
	}
}

func (e *OAuth2TokenEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.configure(req.ProviderData, &resp.Diagnostics)
}

func (e *OAuth2TokenEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m oauth2TokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The provider's IdP client, built once in Configure (it honours
	// insecure_skip_verify); never a transport of its own.
	idp := e.data.idpClient()
	tokenURL := m.TokenURL.ValueString()
	if tokenURL == "" {
		disc, err := idp.Discover(ctx, m.WellKnownURL.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("well_known_url"), "Discovery failed", err.Error())
			return
		}
		tokenURL = disc.TokenEndpoint
	}
	var scopes []string
	resp.Diagnostics.Append(m.Scopes.ElementsAs(ctx, &scopes, false)...)
	tok, err := idp.ClientCredentials(ctx, tokenURL, m.ClientID.ValueString(), m.ClientSecret.ValueString(), m.AuthMethod.ValueString(), scopes)
	if err != nil {
		resp.Diagnostics.AddError("Could not obtain an access token", err.Error())
		return
	}
	m.AccessToken = types.StringValue(tok.AccessToken)
	m.TokenType = types.StringValue(tok.TokenType)
	m.ExpiresAt = types.StringValue("")
	if !tok.Expiry.IsZero() {
		m.ExpiresAt = types.StringValue(tok.Expiry.UTC().Format(time.RFC3339))
	}
	granted := scopes
	if s, ok := tok.Extra("scope").(string); ok {
		granted = splitScopes(s)
	}
	m.Granted = types.ListValueMust(types.StringType, stringValues(nonNil(granted)))
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
