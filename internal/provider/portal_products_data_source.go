package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type productsModel struct {
	NameRegex  types.String  `tfsdk:"name_regex"`
	ProviderID types.Int64   `tfsdk:"provider_id"`
	Products   []productItem `tfsdk:"products"`
}

type productItem struct {
	ID          int64       `tfsdk:"id"`
	Name        string      `tfsdk:"name"`
	DisplayName string      `tfsdk:"display_name"`
	ReferenceID string      `tfsdk:"reference_id"`
	ProviderID  types.Int64 `tfsdk:"provider_id"`
	DCREnabled  bool        `tfsdk:"dcr_enabled"`
	Scopes      []string    `tfsdk:"scopes"`
	ImportID    string      `tfsdk:"import_id"`
}

// offeringImportID is the import ID of a product or plan: `<id>` for a
// Portal-first one, `<id>:<policy _id>` for one the Portal imported from a
// Dashboard policy (ReferenceID).
func offeringImportID(id int64, reference string) string {
	if reference == "" {
		return strconv.FormatInt(id, 10)
	}
	return fmt.Sprintf("%d:%s", id, reference)
}

// NewPortalProductsDataSource returns data.tyk_portal_products.
func NewPortalProductsDataSource() datasource.DataSource {
	return &listDataSource[productsModel]{
		typeName: "_portal_products",
		description: "Lists the Portal's API products (GET /products, one request per page). The list does not carry a " +
			"product's API provider (the spec's Product-index-elem has no ProviderID): with `provider_id` set, each product " +
			"that passes `name_regex` is read once (GET /products/{id}) to filter on it; without it `provider_id` is null.",
		attributes: map[string]schema.Attribute{
			"name_regex":  regexFilter("name"),
			"provider_id": schema.Int64Attribute{Optional: true, Description: "Only products of this API provider (costs one read per product)."},
			"products": itemsAttribute("The matching products, sorted by id.", map[string]schema.Attribute{
				"id":           computedInt("Portal id."),
				"name":         computedString("Name (for a Dashboard-first product, its policy's name)."),
				"display_name": computedString("Display name."),
				"reference_id": computedString("The Dashboard policy `_id` a Dashboard-first product was imported from; empty for a Portal-first one."),
				"provider_id":  computedInt("The API provider, when `provider_id` filters; otherwise null."),
				"dcr_enabled":  computedBool("Whether access requests register an OAuth client in the IdP."),
				"scopes":       computedStrings("Scopes; null where the Portal's list does not carry them (before 1.14) and no read was made."),
				"import_id":    importIDAttribute("tyk_portal_product"),
			}),
		},
		read: func(ctx context.Context, d *resourceBase, m *productsModel, diags *diag.Diagnostics) {
			p := d.portalClient(diags)
			if diags.HasError() {
				return
			}
			all, err := p.ListProducts(ctx)
			if err != nil {
				diags.AddError("Could not list Portal products", err.Error())
				return
			}
			match := matcher(m.NameRegex)
			m.Products = []productItem{}
			for _, pr := range all {
				if !match(pr.Name) {
					continue
				}
				provider := types.Int64Null()
				if !m.ProviderID.IsNull() {
					full, err := p.GetProduct(ctx, pr.ID)
					if err != nil {
						diags.AddError("Could not read a Portal product", fmt.Sprintf("Product %d: %s", pr.ID, err))
						return
					}
					if full.ProviderID != m.ProviderID.ValueInt64() {
						continue
					}
					full.ID = pr.ID
					pr, provider = *full, types.Int64Value(full.ProviderID)
				}
				var scopes []string
				if pr.HasScopes {
					scopes = nonNil(splitScopes(pr.Scopes))
				}
				m.Products = append(m.Products, productItem{
					ID: pr.ID, Name: pr.Name, DisplayName: pr.DisplayName, ReferenceID: pr.ReferenceID, ProviderID: provider,
					DCREnabled: pr.DCREnabled, Scopes: scopes, ImportID: offeringImportID(pr.ID, pr.ReferenceID),
				})
			}
			sortedBy(m.Products, func(p productItem) int64 { return p.ID })
		},
	}
}
