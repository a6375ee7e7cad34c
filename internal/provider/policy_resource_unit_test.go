package provider

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
)

// The policy's access rights: a configuration without versions sends
// ["Default"] and reads ["Default"] back as null (no diff); explicit
// versions are kept; an import shows non-default versions only; fields the
// provider does not model survive an update.
func TestPolicyVersionsRules(t *testing.T) {
	ctx := context.Background()
	noVersions := accessModel{APIID: types.StringValue("a1"), APIName: types.StringNull(), Versions: types.ListNull(types.StringType)}
	m := policyModel{
		Name: types.StringValue("p"), State: types.StringValue("active"), Tags: types.SetValueMust(types.StringType, nil),
		MetaData: types.MapValueMust(types.StringType, nil), Partitions: types.ObjectNull(partitionAttrTypes),
		AccessRights: []accessModel{noVersions},
	}
	p := &dashboard.Policy{AccessRights: map[string]dashboard.AccessDefinition{"a1": {APIID: "a1", Extra: client.Extra{"limit": json.RawMessage(`{"rate":5}`)}}}}
	if d := m.toAPI(ctx, p); d.HasError() {
		t.Fatal(d)
	}
	got := p.AccessRights["a1"]
	if len(got.Versions) != 1 || got.Versions[0] != "Default" {
		t.Errorf("versions sent = %v, want [Default]", got.Versions)
	}
	if got.Extra["limit"] == nil {
		t.Error("the per-API limit the provider does not model was dropped")
	}
	if !p.Active || p.IsInactive {
		t.Errorf("state active sent as active=%v is_inactive=%v", p.Active, p.IsInactive)
	}

	back := m
	if d := back.fromAPI(ctx, p); d.HasError() {
		t.Fatal(d)
	}
	if !back.AccessRights[0].Versions.IsNull() {
		t.Errorf("[Default] read back as %v, want null (no diff)", back.AccessRights[0].Versions)
	}

	imported := policyModel{}
	p.AccessRights["a2"] = dashboard.AccessDefinition{APIID: "a2", Versions: []string{"v1", "v2"}}
	if d := imported.fromAPI(ctx, p); d.HasError() {
		t.Fatal(d)
	}
	if !imported.AccessRights[0].Versions.IsNull() || len(imported.AccessRights[1].Versions.Elements()) != 2 {
		t.Errorf("import: versions %v / %v, want null / [v1 v2]", imported.AccessRights[0].Versions, imported.AccessRights[1].Versions)
	}
	for _, tc := range []struct {
		active, inactive bool
		want             string
	}{{true, false, "active"}, {false, false, "draft"}, {true, true, "deny"}} {
		st := policyModel{}
		if d := st.fromAPI(ctx, &dashboard.Policy{Active: tc.active, IsInactive: tc.inactive}); d.HasError() {
			t.Fatal(d)
		}
		if st.State.ValueString() != tc.want {
			t.Errorf("active=%v is_inactive=%v read as %q, want %q", tc.active, tc.inactive, st.State.ValueString(), tc.want)
		}
	}
}
