package provider

import (
	"cmp"
	"context"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// listDataSource is a plural data source (tyk_policies, tyk_portal_apps, ...):
// it lists every object of a kind, one list request per page, filters on the
// client side (neither API filters lists) and returns the items sorted by id
// with what an import block and a reference need, import_id included. A kind
// reads single objects only for what its list lacks; its description says
// which attribute and why. M is the data source's model: its filters and the
// items list, which read fills.
type listDataSource[M any] struct {
	resourceBase
	typeName    string
	description string
	attributes  map[string]schema.Attribute
	read        func(ctx context.Context, d *resourceBase, m *M, diags *diag.Diagnostics)
}

var _ datasource.DataSourceWithConfigure = &listDataSource[struct{}]{}

func (d *listDataSource[M]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.typeName
}

func (d *listDataSource[M]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{Description: d.description, Attributes: d.attributes}
}

func (d *listDataSource[M]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *listDataSource[M]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m M
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	d.read(ctx, &d.resourceBase, &m, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// regexFilter is an optional filter attribute holding an RE2 regular
// expression, checked at plan time.
func regexFilter(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:    true,
		Description: "Only objects whose " + what + " matches this RE2 regular expression (unanchored: use `^...$` for a whole match).",
		Validators:  []validator.String{validRegex()},
	}
}

// matcher returns a match function for a regexFilter value; a null filter
// matches everything. The value was validated at plan time.
func matcher(re types.String) func(string) bool {
	if re.IsNull() || re.ValueString() == "" {
		return func(string) bool { return true }
	}
	return regexp.MustCompile(re.ValueString()).MatchString
}

// itemsAttribute is the computed list of a plural data source.
func itemsAttribute(description string, attributes map[string]schema.Attribute) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Computed:     true,
		Description:  description,
		NestedObject: schema.NestedAttributeObject{Attributes: attributes},
	}
}

func computedString(description string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, Description: description}
}

func computedInt(description string) schema.Int64Attribute {
	return schema.Int64Attribute{Computed: true, Description: description}
}

func computedBool(description string) schema.BoolAttribute {
	return schema.BoolAttribute{Computed: true, Description: description}
}

func computedStrings(description string) schema.ListAttribute {
	return schema.ListAttribute{Computed: true, ElementType: types.StringType, Description: description}
}

func importIDAttribute(resourceType string) schema.StringAttribute {
	return computedString("The import ID of `" + resourceType + "` for this object (see the importing guide).")
}

// sortedBy sorts items by key (ids), so the lists are stable across reads.
func sortedBy[T any, K cmp.Ordered](items []T, key func(T) K) []T {
	slices.SortFunc(items, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return items
}
