package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

// What tyk_portal_product and tyk_portal_plan share: both are either
// Portal-first (the resource creates the object, and the Portal its policy)
// or Dashboard-first (the Portal imports the object from a tyk_policy; the
// resource manages its Portal settings only).

// importOffering reads `<id>` (Portal-first) or `<id>:<policy_id>`
// (Dashboard-first) into state; providerOf reads the object's API provider.
func importOffering(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, kind string,
	providerOf func(ctx context.Context, id int64) (int64, error),
) {
	idPart, policy, dashboardFirst := strings.Cut(req.ID, ":")
	id, err := strconv.ParseInt(idPart, 10, 64)
	if err != nil || id <= 0 {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected `<%[1]s_id>` (Portal-first) or `<%[1]s_id>:<policy_id>` (Dashboard-first), got %[2]q.", kind, req.ID))
		return
	}
	providerID, err := providerOf(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the Portal "+kind, err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("provider_id"), providerID)...)
	if dashboardFirst {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("policy_id"), policy)...)
	}
}

// deleteOffering deletes a Portal-first object (the Portal deletes its
// policy too); a Dashboard-first one belongs to the Dashboard, so only the
// Portal settings the resource set are reset. Gone already (404) is done.
func deleteOffering(diags *diag.Diagnostics, what string, dashboardFirst bool, del, reset func() error) {
	if !dashboardFirst {
		deleteFailed(diags, del(), what)
		return
	}
	if err := reset(); err != nil && !client.IsNotFound(err) {
		diags.AddError("Could not reset "+what, err.Error())
	}
}
