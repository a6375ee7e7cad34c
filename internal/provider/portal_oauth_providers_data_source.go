package provider

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type oauthProvidersModel struct {
	NameRegex types.String        `tfsdk:"name_regex"`
	Providers []oauthProviderItem `tfsdk:"oauth_providers"`
}

type oauthProviderItem struct {
	ID                    int64  `tfsdk:"id"`
	Name                  string `tfsdk:"name"`
	Type                  string `tfsdk:"type"`
	WellKnownURL          string `tfsdk:"well_known_url"`
	SSLInsecureSkipVerify bool   `tfsdk:"ssl_insecure_skip_verify"`
	ImportID              string `tfsdk:"import_id"`
}

// NewPortalOAuthProvidersDataSource returns data.tyk_portal_oauth_providers.
func NewPortalOAuthProvidersDataSource() datasource.DataSource {
	return &listDataSource[oauthProvidersModel]{
		typeName: "_portal_oauth_providers",
		description: "Lists the Portal's OAuth2.0 providers (identity-provider connections; GET /oauth-providers, one request " +
			"per page). The registration access token is never returned by the Portal.",
		attributes: map[string]schema.Attribute{
			"name_regex": regexFilter("name"),
			"oauth_providers": itemsAttribute("The matching providers, sorted by id.", map[string]schema.Attribute{
				"id":                       computedInt("Portal id."),
				"name":                     computedString("Name."),
				"type":                     computedString("`Keycloak`, `Gluu`, `Okta` or `Other`."),
				"well_known_url":           computedString("The IdP's OpenID Connect discovery URL."),
				"ssl_insecure_skip_verify": computedBool("Whether the Portal skips TLS verification towards the IdP."),
				"import_id":                importIDAttribute("tyk_portal_oauth_provider"),
			}),
		},
		read: func(ctx context.Context, d *resourceBase, m *oauthProvidersModel, diags *diag.Diagnostics) {
			p := d.portalClient(diags)
			if diags.HasError() {
				return
			}
			all, err := p.ListOAuthProviders(ctx)
			if err != nil {
				diags.AddError("Could not list Portal OAuth providers", err.Error())
				return
			}
			match := matcher(m.NameRegex)
			m.Providers = []oauthProviderItem{}
			for _, o := range all {
				if match(o.Name) {
					m.Providers = append(m.Providers, oauthProviderItem{
						ID: o.ID, Name: o.Name, Type: o.Type, WellKnownURL: o.WellKnownURL,
						SSLInsecureSkipVerify: o.SSLInsecureSkipVerify, ImportID: strconv.FormatInt(o.ID, 10),
					})
				}
			}
			sortedBy(m.Providers, func(o oauthProviderItem) int64 { return o.ID })
		},
	}
}
