package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestScopeSelf(t *testing.T) {
	owner := scopeOwner{kind: "product", id: 7, name: "payments", ref: "pol-1"}
	for _, tc := range []struct {
		name string
		me   scopeSelf
		want bool
	}{
		{"same id", scopeSelf{kind: "product", id: 7}, true},
		{"other id", scopeSelf{kind: "product", id: 8}, false},
		{"plan with the product's id", scopeSelf{kind: "plan", id: 7}, false},
		{"new object of the owner's policy (a tainted Dashboard-first product)", scopeSelf{kind: "product", id: -1, policy: "pol-1"}, true},
		{"new object of another policy", scopeSelf{kind: "product", id: -1, policy: "pol-2"}, false},
		{"new Portal-first object of the owner's name", scopeSelf{kind: "product", id: -1, name: "payments"}, true},
		{"new Portal-first object of another name", scopeSelf{kind: "product", id: -1, name: "orders"}, false},
		{"new plan of the product's policy", scopeSelf{kind: "plan", id: -1, policy: "pol-1"}, false},
		{"nothing known", scopeSelf{kind: "product", id: -1}, false},
	} {
		if got := tc.me.is(owner); got != tc.want {
			t.Errorf("%s: is = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestReplaceKey(t *testing.T) {
	var x scopeIndex
	prov := types.Int64Value(3)
	k := replaceKey("plan", prov, types.StringNull(), types.StringValue("gold"), []string{"a"})
	if _, ok := x.replaced(k); ok {
		t.Fatal("replaced before any note")
	}
	x.noteReplaceable(k, 42)
	if id, ok := x.replaced(replaceKey("plan", prov, types.StringNull(), types.StringValue("gold"), []string{"a"})); !ok || id != 42 {
		t.Fatalf("replaced = %d %v, want 42", id, ok)
	}
	for _, other := range []string{
		replaceKey("product", prov, types.StringNull(), types.StringValue("gold"), []string{"a"}),
		replaceKey("plan", types.Int64Value(4), types.StringNull(), types.StringValue("gold"), []string{"a"}),
		replaceKey("plan", prov, types.StringNull(), types.StringValue("gold"), []string{"b"}),
		replaceKey("plan", prov, types.StringValue("pol"), types.StringValue("gold"), []string{"a"}),
		replaceKey("plan", prov, types.StringNull(), types.StringUnknown(), []string{"a"}),
	} {
		if _, ok := x.replaced(other); ok {
			t.Errorf("key %q matched the noted configuration", other)
		}
	}
}
