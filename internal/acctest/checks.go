package acctest

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox"
)

// Checks read the target through the Dashboard and Portal APIs, as an
// operator would, so that they hold against a real installation too.

// CheckPoliciesDestroyed verifies that no tyk_policy in state is left.
func CheckPoliciesDestroyed(tg *Target) func(*terraform.State) error {
	return checkGone(tg, "tyk_policy", func(rs *terraform.ResourceState) string { return "/api/portal/policies/" + rs.Primary.ID })
}

// CheckAPIsDestroyed verifies that no tyk_api in state is left.
func CheckAPIsDestroyed(tg *Target) func(*terraform.State) error {
	return checkGone(tg, "tyk_api", func(rs *terraform.ResourceState) string { return "/api/apis/" + rs.Primary.Attributes["api_id"] })
}

// CheckOASAPIsDestroyed verifies that no tyk_oas_api in state is left.
func CheckOASAPIsDestroyed(tg *Target) func(*terraform.State) error {
	return checkGone(tg, "tyk_oas_api", func(rs *terraform.ResourceState) string { return "/api/apis/oas/" + rs.Primary.ID })
}

// OASGet reads an OAS API's document as the Dashboard returns it.
func (tg *Target) OASGet(apiID string) (map[string]any, error) {
	return tg.DashboardGet("/api/apis/oas/" + apiID)
}

// ModifyOAS changes an OAS API document behind Terraform's back (GET, edit,
// PUT), as an operator in the Dashboard's API designer would.
func (tg *Target) ModifyOAS(apiID string, fn func(doc map[string]any)) error {
	doc, err := tg.OASGet(apiID)
	if err != nil {
		return err
	}
	fn(doc)
	_, err = tg.dashboardClient.Do(context.Background(), client.Request{Method: http.MethodPut, Path: "/api/apis/oas/" + apiID, Body: doc}, nil)
	return err
}

func checkGone(tg *Target, typ string, path func(*terraform.ResourceState) string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != typ {
				continue
			}
			_, err := tg.DashboardGet(path(rs))
			switch {
			case err == nil:
				return fmt.Errorf("%s %s still exists", typ, rs.Primary.ID)
			case !client.IsNotFound(err) && client.StatusCode(err) != http.StatusBadRequest:
				return err
			}
		}
		return nil
	}
}

// CheckPolicy runs fn on the policy of a tyk_policy resource as the
// Dashboard returns it.
func CheckPolicy(tg *Target, addr string, fn func(map[string]any) error) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		doc, err := tg.DashboardGet("/api/portal/policies/" + rs.Primary.ID)
		if err != nil {
			return err
		}
		return fn(doc)
	}
}

// CheckAPI runs fn on the api_definition the Dashboard returns for an API.
func CheckAPI(tg *Target, apiID func(*terraform.State) string, fn func(map[string]any) error) func(*terraform.State) error {
	return func(s *terraform.State) error {
		w, err := tg.DashboardGet("/api/apis/" + apiID(s))
		if err != nil {
			return err
		}
		def, _ := w["api_definition"].(map[string]any)
		return fn(def)
	}
}

// DashboardGet reads a Dashboard object as decoded JSON.
func (tg *Target) DashboardGet(path string) (map[string]any, error) {
	out := map[string]any{}
	_, err := tg.dashboardClient.Do(context.Background(), client.Request{Method: http.MethodGet, Path: path}, &out)
	return out, err
}

// ModifyAPI changes an API definition behind Terraform's back (GET, edit,
// PUT), as an operator in the Dashboard would.
func (tg *Target) ModifyAPI(apiID string, fn func(def map[string]any)) error {
	w, err := tg.DashboardGet("/api/apis/" + apiID)
	if err != nil {
		return err
	}
	def, _ := w["api_definition"].(map[string]any)
	fn(def)
	_, err = tg.dashboardClient.Do(context.Background(), client.Request{Method: http.MethodPut, Path: "/api/apis/" + apiID,
		Body: map[string]any{"api_definition": def}}, nil)
	return err
}

// DashboardDelete deletes a Dashboard object behind Terraform's back.
func (tg *Target) DashboardDelete(path string) error {
	_, err := tg.dashboardClient.Do(context.Background(), client.Request{Method: http.MethodDelete, Path: path}, nil)
	return err
}

// AttrOf returns a function reading an attribute of a resource in state.
func AttrOf(addr, attr string) func(*terraform.State) string {
	return func(s *terraform.State) string {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return ""
		}
		return rs.Primary.Attributes[attr]
	}
}

// WriteCount counts non-GET requests the sandbox has answered.
func WriteCount(sb *sandbox.Sandbox) int {
	n := 0
	for _, r := range sb.Store.Requests() {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}
