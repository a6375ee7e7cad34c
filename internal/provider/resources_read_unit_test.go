package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

// fakeTyk answers every Dashboard and Portal request with status (and a
// body in each plane's error shape), and counts the writes it receives.
func fakeTyk(t *testing.T, status int) (*providerData, *atomic.Int32) {
	t.Helper()
	var writes atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			writes.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"Status":"Error","Message":"not found","errors":["not found"]}`))
	}))
	t.Cleanup(srv.Close)
	mk := func(plane string) *client.Client {
		c, err := client.New(client.Config{Plane: plane, BaseURL: srv.URL, Token: "unit-test-token", MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return &providerData{dashboard: dashboard.New(mk("Tyk Dashboard")), portal: portal.New(mk("Tyk Portal"))}, &writes
}

// someState is a state of the resource's schema with every number 1, every
// string "x" and every boolean true: enough identity for Read to ask the
// API about the object.
func someState(t *testing.T, r resource.Resource) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	typ, ok := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("schema type is not an object")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		switch {
		case at.Is(tftypes.Number):
			vals[name] = tftypes.NewValue(at, 1)
		case at.Is(tftypes.String) && sr.Schema.Attributes[name].GetType().Equal(jsontypes.NormalizedType{}):
			vals[name] = tftypes.NewValue(at, "{}")
		case at.Is(tftypes.String):
			vals[name] = tftypes.NewValue(at, "x")
		case at.Is(tftypes.Bool):
			vals[name] = tftypes.NewValue(at, true)
		default:
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, vals)}
}

func configured(r resource.Resource, data *providerData) {
	if c, ok := r.(resource.ResourceWithConfigure); ok {
		c.Configure(context.Background(), resource.ConfigureRequest{ProviderData: data}, &resource.ConfigureResponse{})
	}
}

// Every resource: an object the API no longer has (404) is removed from
// state with a warning, so the next plan creates it; a server error (500)
// is an error that keeps the state. Read never writes.
func TestReadDeletedAndServerError(t *testing.T) {
	for _, newResource := range (&TykProvider{}).Resources(context.Background()) {
		r := newResource()
		var md resource.MetadataResponse
		r.Metadata(context.Background(), resource.MetadataRequest{ProviderTypeName: "tyk"}, &md)
		t.Run(md.TypeName, func(t *testing.T) {
			t.Run("404 removes", func(t *testing.T) {
				data, writes := fakeTyk(t, http.StatusNotFound)
				configured(r, data)
				state := someState(t, r)
				resp := &resource.ReadResponse{State: state}
				r.Read(context.Background(), resource.ReadRequest{State: state}, resp)
				if resp.Diagnostics.HasError() {
					t.Fatalf("404 gave an error instead of a removal: %v", resp.Diagnostics)
				}
				if !resp.State.Raw.IsNull() {
					t.Fatal("404 kept the resource in state")
				}
				if resp.Diagnostics.WarningsCount() == 0 {
					t.Error("the removal carries no warning")
				}
				if writes.Load() != 0 {
					t.Errorf("Read sent %d writes", writes.Load())
				}
			})
			t.Run("500 keeps", func(t *testing.T) {
				data, writes := fakeTyk(t, http.StatusInternalServerError)
				configured(r, data)
				state := someState(t, r)
				resp := &resource.ReadResponse{State: state}
				r.Read(context.Background(), resource.ReadRequest{State: state}, resp)
				if !resp.Diagnostics.HasError() {
					t.Fatal("a 500 was not an error")
				}
				if resp.State.Raw.IsNull() || !resp.State.Raw.Equal(state.Raw) {
					t.Fatal("a 500 changed the state")
				}
				if writes.Load() != 0 {
					t.Errorf("Read sent %d writes", writes.Load())
				}
			})
		})
	}
}
