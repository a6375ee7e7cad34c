package portal

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/recordings"
)

// The client's decoders on raw answers of a real Portal
// (../shared/tyk-recordings/portal-1.x-2023-08-15), replayed byte for byte.

func replay(t *testing.T, name string) *Client {
	t.Helper()
	rec := recordings.Load(t, recordings.PortalDir+"/"+name)
	srv := httptest.NewServer(rec.Replay())
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{Plane: "Tyk Portal", BaseURL: BaseURL(srv.URL), Token: "tok", RetryWaitMin: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return New(c)
}

func TestRecordedAppsList(t *testing.T) {
	apps, err := replay(t, "apps.txt").ListApps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 5 || apps[0].ID != 5 || apps[0].Name != "Big App 2" || apps[0].Description != "Foo" || apps[0].UserID != 1 || apps[4].Name != "bgd" {
		t.Fatalf("%+v", apps)
	}
}

func TestRecordedAppAccessRequests(t *testing.T) {
	ars, err := replay(t, "list_app_access_requests.txt").AppAccessRequests(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(ars) != 1 {
		t.Fatalf("%+v", ars)
	}
	ar := ars[0]
	if ar.ID != 30 || ar.Status != StatusApproved || ar.DCREnabled || ar.Plan != "free_plan" || ar.Client != "v34" ||
		len(ar.Products) != 1 || ar.Products[0] != "public_product" {
		t.Fatalf("%+v", ar)
	}
	c := ar.Credential()
	if c == nil || c.ID != 29 || c.OAuthClientID != "" || c.GrantType != "" {
		t.Fatalf("credential %+v", c)
	}
	// What the workflows match on: plan and product names.
	if !(AccessSpec{PlanName: "free_plan", ProductNames: []string{"public_product"}}).Matches(ar) {
		t.Fatal("the recorded request does not match its own plan and product")
	}
}

// The single access-request GET of an app carries no id, status or DCR flag
// (the recording and the spec's AccessRequest-show agree), which is why the
// client reads requests from GET /access_requests/{id} or the app's list.
func TestRecordedSingleAccessRequestHasNoStatus(t *testing.T) {
	rec := recordings.Load(t, recordings.PortalDir+"/get_ar_success.txt")
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body, &fields); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"ID", "Status", "DCREnabled", "DCRTemplateID"} {
		if _, ok := fields[f]; ok {
			t.Fatalf("the recording now carries %s: revisit the access workflows", f)
		}
	}
	var ar AccessRequest
	if err := json.Unmarshal(rec.Body, &ar); err != nil {
		t.Fatal(err)
	}
	if ar.Status != "" || ar.ID != 0 || ar.Credential() == nil || ar.Credential().ID != 29 {
		t.Fatalf("%+v", ar)
	}
}

func TestRecordedUser(t *testing.T) {
	u, err := replay(t, "users_1.txt").GetUser(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != 1 || u.Email != "raava@tyk.io" || u.First != "John" || u.Last != "Doe" || !u.Active || u.Role != "super-admin" || u.Provider != "password" {
		t.Fatalf("%+v", u)
	}
}
