package provider

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

var objectAsOptions = basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true}

func mapOf(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

// mapOfKnown returns the known entries of a map whose values may be unknown.
func mapOfKnown(_ context.Context, m types.Map) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out[k] = s.ValueString()
		}
	}
	return out
}

func stringMapValues(m map[string]string) map[string]attr.Value {
	out := make(map[string]attr.Value, len(m))
	for k, v := range m {
		out[k] = types.StringValue(v)
	}
	return out
}

func stringValues(items []string) []attr.Value {
	out := make([]attr.Value, 0, len(items))
	for _, s := range items {
		out = append(out, types.StringValue(s))
	}
	return out
}

func int64Values(items []int64) []attr.Value {
	out := make([]attr.Value, 0, len(items))
	for _, n := range items {
		out = append(out, types.Int64Value(n))
	}
	return out
}

func splitScopes(s string) []string {
	return strings.Fields(strings.ReplaceAll(s, ",", " "))
}

// writeOnlyOr returns the value of a write-only attribute, which exists only
// in the configuration (never in plan or state), or plain when it is unset.
func writeOnlyOr(ctx context.Context, cfg tfsdk.Config, attr string, plain types.String, diags *diag.Diagnostics) string {
	var wo types.String
	diags.Append(cfg.GetAttribute(ctx, path.Root(attr), &wo)...)
	if !wo.IsNull() && !wo.IsUnknown() {
		return wo.ValueString()
	}
	return plain.ValueString()
}

// readFailed handles the outcome every Read shares: the object is gone (404)
// → a warning and removal from state, so the next plan recreates it; any
// other error → an error. It reports whether Read must stop.
func readFailed(ctx context.Context, resp *resource.ReadResponse, err error, what string, gone string) bool {
	switch {
	case err == nil:
		return false
	case client.IsNotFound(err):
		resp.Diagnostics.AddWarning(what+" not found", gone+"; removing it from state so that the next plan recreates it.")
		resp.State.RemoveResource(ctx)
	default:
		resp.Diagnostics.AddError("Could not read "+what, err.Error())
	}
	return true
}

// deleteFailed handles the outcome every Delete shares: already gone (404)
// is success; any other error is reported with what.
func deleteFailed(diags *diag.Diagnostics, err error, what string) {
	if err != nil && !client.IsNotFound(err) {
		diags.AddError("Could not delete "+what, err.Error())
	}
}

// importIntID reads an import ID that is one positive integer Portal id
// into the id attribute; what names the object in the error.
func importIntID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, what string) bool {
	id, err := strconv.ParseInt(req.ID, 10, 64)
	if err != nil || id <= 0 {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Expected the %s's integer Portal id, got %q.", what, req.ID))
		return false
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	return !resp.Diagnostics.HasError()
}

// byName finds the item named name in a list (exact match). When there is
// none it reports, on diags, what exists, so that a typo is easy to see.
func byName[T any](items []T, name, kind string, nameOf func(T) string, diags *diag.Diagnostics) (T, bool) {
	names := make([]string, 0, len(items))
	for _, it := range items {
		if nameOf(it) == name {
			return it, true
		}
		names = append(names, strconv.Quote(nameOf(it)))
	}
	existing := "none"
	if len(names) > 0 {
		sort.Strings(names)
		if len(names) > 20 {
			names = append(names[:20], fmt.Sprintf("… (%d more)", len(names)-20))
		}
		existing = strings.Join(names, ", ")
	}
	diags.AddError(kind+" not found", fmt.Sprintf("No %s is named %q. Existing: %s.", strings.ToLower(kind[:1])+kind[1:], name, existing))
	var zero T
	return zero, false
}
