package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

type clientTypesModel struct {
	OAuthProviderID types.Int64      `tfsdk:"oauth_provider_id"`
	NameRegex       types.String     `tfsdk:"name_regex"`
	ClientTypes     []clientTypeItem `tfsdk:"client_types"`
}

type clientTypeItem struct {
	ID                      int64    `tfsdk:"id"`
	OAuthProviderID         int64    `tfsdk:"oauth_provider_id"`
	Name                    string   `tfsdk:"name"`
	Description             string   `tfsdk:"description"`
	ResponseTypes           []string `tfsdk:"response_types"`
	GrantTypes              []string `tfsdk:"grant_types"`
	TokenEndpointAuthMethod string   `tfsdk:"token_endpoint_auth_method"`
	ImportID                string   `tfsdk:"import_id"`
}

// NewPortalClientTypesDataSource returns data.tyk_portal_client_types.
func NewPortalClientTypesDataSource() datasource.DataSource {
	return &listDataSource[clientTypesModel]{
		typeName: "_portal_client_types",
		description: "Lists the client types (DCR templates) of the Portal's OAuth2.0 providers. The Portal lists client types per " +
			"provider (GET /oauth-providers/{id}/client-types): with `oauth_provider_id` that is one request per page; without " +
			"it, the providers are listed first, then each provider's client types.",
		attributes: map[string]schema.Attribute{
			"oauth_provider_id": schema.Int64Attribute{Optional: true, Description: "Only this OAuth provider's client types."},
			"name_regex":        regexFilter("name"),
			"client_types": itemsAttribute("The matching client types, sorted by provider and id.", map[string]schema.Attribute{
				"id":                         computedInt("Portal id."),
				"oauth_provider_id":          computedInt("The OAuth provider it belongs to."),
				"name":                       computedString("Name."),
				"description":                computedString("Description."),
				"response_types":             computedStrings("OAuth response types."),
				"grant_types":                computedStrings("OAuth grant types."),
				"token_endpoint_auth_method": computedString("Token endpoint authentication method."),
				"import_id":                  importIDAttribute("tyk_portal_client_type"),
			}),
		},
		read: func(ctx context.Context, d *resourceBase, m *clientTypesModel, diags *diag.Diagnostics) {
			p := d.portalClient(diags)
			if diags.HasError() {
				return
			}
			var providers []int64
			if !m.OAuthProviderID.IsNull() {
				providers = []int64{m.OAuthProviderID.ValueInt64()}
			} else {
				all, err := p.ListOAuthProviders(ctx)
				if err != nil {
					diags.AddError("Could not list Portal OAuth providers", err.Error())
					return
				}
				for _, o := range all {
					providers = append(providers, o.ID)
				}
			}
			sortedBy(providers, func(id int64) int64 { return id })
			match := matcher(m.NameRegex)
			m.ClientTypes = []clientTypeItem{}
			for _, pid := range providers {
				cts, err := p.ListClientTypes(ctx, pid)
				if err != nil {
					diags.AddError("Could not list client types", fmt.Sprintf("OAuth provider %d: %s", pid, err))
					return
				}
				for _, ct := range sortedBy(cts, func(c portal.ClientType) int64 { return c.ID }) {
					if match(ct.Name) {
						m.ClientTypes = append(m.ClientTypes, clientTypeItem{
							ID: ct.ID, OAuthProviderID: pid, Name: ct.Name, Description: ct.Description,
							ResponseTypes: nonNil([]string(ct.ResponseTypes)), GrantTypes: nonNil([]string(ct.GrantType)),
							TokenEndpointAuthMethod: ct.TokenEndpointAuthMethod, ImportID: fmt.Sprintf("%d/%d", pid, ct.ID),
						})
					}
				}
			}
		},
	}
}
