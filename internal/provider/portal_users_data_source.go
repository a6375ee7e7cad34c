package provider

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type usersModel struct {
	EmailRegex types.String `tfsdk:"email_regex"`
	Users      []userItem   `tfsdk:"users"`
}

type userItem struct {
	ID             int64  `tfsdk:"id"`
	Email          string `tfsdk:"email"`
	FirstName      string `tfsdk:"first_name"`
	LastName       string `tfsdk:"last_name"`
	OrganisationID int64  `tfsdk:"organisation_id"`
	Role           string `tfsdk:"role"`
	Active         bool   `tfsdk:"active"`
	ImportID       string `tfsdk:"import_id"`
}

// NewPortalUsersDataSource returns data.tyk_portal_users.
func NewPortalUsersDataSource() datasource.DataSource {
	return &listDataSource[usersModel]{
		typeName:    "_portal_users",
		description: "Lists the Portal's users (GET /users, one request per page), e.g. the developers whose apps an adoption imports.",
		attributes: map[string]schema.Attribute{
			"email_regex": regexFilter("email"),
			"users": itemsAttribute("The matching users, sorted by id.", map[string]schema.Attribute{
				"id":              computedInt("Portal id."),
				"email":           computedString("Email."),
				"first_name":      computedString("First name."),
				"last_name":       computedString("Last name."),
				"organisation_id": computedInt("Consumer organisation id."),
				"role":            computedString("Role in the organisation."),
				"active":          computedBool("Whether the user can log in."),
				"import_id":       importIDAttribute("tyk_portal_user"),
			}),
		},
		read: func(ctx context.Context, d *resourceBase, m *usersModel, diags *diag.Diagnostics) {
			p := d.portalClient(diags)
			if diags.HasError() {
				return
			}
			all, err := p.ListUsers(ctx)
			if err != nil {
				diags.AddError("Could not list Portal users", err.Error())
				return
			}
			match := matcher(m.EmailRegex)
			m.Users = []userItem{}
			for _, u := range all {
				if match(u.Email) {
					m.Users = append(m.Users, userItem{
						ID: u.ID, Email: u.Email, FirstName: u.First, LastName: u.Last, OrganisationID: u.OrganisationID,
						Role: u.Role, Active: u.Active, ImportID: strconv.FormatInt(u.ID, 10),
					})
				}
			}
			sortedBy(m.Users, func(u userItem) int64 { return u.ID })
		},
	}
}
