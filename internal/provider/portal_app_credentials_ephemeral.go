package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

var (
	_ ephemeral.EphemeralResource              = &PortalAppCredentialsEphemeral{}
	_ ephemeral.EphemeralResourceWithConfigure = &PortalAppCredentialsEphemeral{}
)

// PortalAppCredentialsEphemeral reads an access's current credential from
// the Portal at each run, never storing it (Terraform 1.10+).
type PortalAppCredentialsEphemeral struct{ resourceBase }

// NewPortalAppCredentialsEphemeral returns ephemeral.tyk_portal_app_credentials.
func NewPortalAppCredentialsEphemeral() ephemeral.EphemeralResource {
	return &PortalAppCredentialsEphemeral{}
}

type appCredentialsModel struct {
	AppID           types.Int64  `tfsdk:"app_id"`
	AccessRequestID types.Int64  `tfsdk:"access_request_id"`
	ClientTypeID    types.Int64  `tfsdk:"client_type_id"`
	CredentialID    types.Int64  `tfsdk:"credential_id"`
	ClientID        types.String `tfsdk:"client_id"`
	ClientSecret    types.String `tfsdk:"client_secret"`
	TokenEndpoint   types.String `tfsdk:"token_endpoint"`
	AuthMethod      types.String `tfsdk:"token_endpoint_auth_method"`
	Scopes          types.List   `tfsdk:"scopes"`
	GrantTypes      types.List   `tfsdk:"grant_types"`
}

func (e *PortalAppCredentialsEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_app_credentials"
}

func (e *PortalAppCredentialsEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The current OAuth credential of an app's approved access (a `tyk_portal_app_access`), read from the Portal at each run " +
			"and never written to state or plan (Terraform 1.10+). Pass it to `tyk_oauth2_token`, to a provider block, or to a secret " +
			"store's write-only argument; pair it with `store_client_secret = false` on the access to keep the secret out of state entirely.",
		Attributes: map[string]schema.Attribute{
			"app_id":            schema.Int64Attribute{Required: true, Description: "The app (`tyk_portal_app_access.x.app_id`)."},
			"access_request_id": schema.Int64Attribute{Required: true, Description: "The access request (`tyk_portal_app_access.x.id`)."},
			"client_type_id": schema.Int64Attribute{
				Optional: true,
				Description: "The client type the access was registered with (`tyk_portal_app_access.x.client_type_id`), to find the token " +
					"endpoint. Optional when the request's DCR products allow a single client type.",
			},
			"credential_id":  schema.Int64Attribute{Computed: true, Description: "The Portal credential id."},
			"client_id":      schema.StringAttribute{Computed: true, Description: "OAuth client id."},
			"client_secret":  schema.StringAttribute{Computed: true, Sensitive: true, Description: "OAuth client secret. Sensitive."},
			"token_endpoint": schema.StringAttribute{Computed: true, Description: "The IdP's token endpoint (empty for non-DCR products)."},
			"token_endpoint_auth_method": schema.StringAttribute{
				Computed:    true,
				Description: "How the client authenticates at the token endpoint, e.g. `client_secret_basic`.",
			},
			"scopes": schema.ListAttribute{
				ElementType: types.StringType,
				Computed:    true,
				Description: "Scopes registered for the client, sorted.",
			},
			"grant_types": schema.ListAttribute{
				ElementType: types.StringType,
				Computed:    true,
				Description: "Grant types registered for the client.",
			},
		},
	}
}

func (e *PortalAppCredentialsEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.configure(req.ProviderData, &resp.Diagnostics)
}

func (e *PortalAppCredentialsEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m appCredentialsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	p := e.portalClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	appID, arID := m.AppID.ValueInt64(), m.AccessRequestID.ValueInt64()
	ar, err := p.FindAppAccessRequest(ctx, appID, arID)
	if client.IsNotFound(err) {
		resp.Diagnostics.AddError("Access request not found",
			fmt.Sprintf("App %d has no access request %d (revoked, deleted, or another app's). Apply the tyk_portal_app_access first, "+
				"and pass its app_id and id.", appID, arID))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read the access request", err.Error())
		return
	}
	c := ar.Credential()
	if ar.Status != "approved" || c == nil {
		resp.Diagnostics.AddError("No credential issued",
			fmt.Sprintf("Access request %d of app %d is %q and has %d credentials: the Portal issues one when the request is approved. "+
				"Apply the tyk_portal_app_access (it approves and waits for the credential) before reading its credentials.", arID, appID, ar.Status, len(ar.Credentials)))
		return
	}
	ctx = client.MaskValues(ctx, c.OAuthClientSecret)
	m.CredentialID = types.Int64Value(c.ID)
	m.ClientID = types.StringValue(c.OAuthClientID)
	m.ClientSecret = types.StringValue(c.OAuthClientSecret)
	m.AuthMethod = types.StringValue(c.TokenEndpoints)
	m.Scopes = types.ListValueMust(types.StringType, stringValues(sortedFields(c.Scope)))
	m.GrantTypes = types.ListValueMust(types.StringType, stringValues(nonNil([]string(portal.ParseCSV(c.GrantType)))))
	m.TokenEndpoint = types.StringValue("")
	if ar.DCREnabled {
		te, err := e.tokenEndpoint(ctx, p, ar, m.ClientTypeID)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("client_type_id"), "Token endpoint unknown", err.Error())
			return
		}
		m.TokenEndpoint = types.StringValue(te)
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// tokenEndpoint resolves the request's client type (configured, or the one
// its DCR products share) and reads its IdP's token endpoint.
func (e *PortalAppCredentialsEphemeral) tokenEndpoint(ctx context.Context, p *portal.Client, ar *portal.AccessRequest, configured types.Int64) (string, error) {
	ct := configured.ValueInt64()
	if !known64(configured) {
		_, dcr, err := p.AccessProducts(ctx, ar)
		if err != nil {
			return "", err
		}
		if ct, err = p.CommonClientType(ctx, dcr); err != nil {
			return "", fmt.Errorf("%w; set client_type_id", err)
		}
	}
	return tokenEndpointOf(ctx, p, e.data.idpClient(), ct)
}

// sortedFields splits a space- or comma-separated scope string, sorted.
func sortedFields(s string) []string {
	out := splitScopes(s)
	slices.Sort(out)
	return nonNil(out)
}
