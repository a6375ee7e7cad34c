package provider

import (
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/tykdcr/terraform-provider-tyk/internal/client/dashboard"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/oidc"
	"github.com/tykdcr/terraform-provider-tyk/internal/client/portal"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	dashboardCfg, portalCfg planeConfig
	dashboard               *dashboard.Client
	portal                  *portal.Client

	scopes scopeIndex // product and plan scopes, for uniqueness checks

	// mappingClaims are the API scopes the mapping resources of this run's
	// plan take (api id → scope → the claiming resource's entries), so
	// that two of them cannot map one scope unnoticed.
	mappingMu     sync.Mutex
	mappingClaims map[string]map[string]string

	// allowPlanBypass turns the plan-bypass check off (plan_bypass.go).
	allowPlanBypass bool

	// idp is the identity-provider client (discovery, RFC 7592 reads,
	// tokens), built once in Configure.
	idp *oidc.Client
}

// idpClient returns the IdP client, or a default one (certificates
// verified) when the provider was not configured (validation-only calls).
func (d *providerData) idpClient() *oidc.Client {
	if d == nil || d.idp == nil {
		c, err := oidc.New(oidc.Options{})
		if err != nil { // no files to read: cannot fail
			panic(err)
		}
		return c
	}
	return d.idp
}

func notConfigured(pc planeConfig) diag.Diagnostic {
	if pc.unknown {
		return diag.NewErrorDiagnostic(pc.name+" connection not known yet",
			fmt.Sprintf("The provider's %s or %s depends on a value that is only known after apply, so the %s cannot be reached now. "+
				"Apply the resources it depends on first (terraform apply -target=...), or set %s and %s directly.",
				pc.urlAttr, pc.tokenAttr, pc.name, pc.urlEnv, pc.tokenEnv))
	}
	var missing []string
	if pc.url == "" {
		missing = append(missing, fmt.Sprintf("%s (or %s)", pc.urlAttr, pc.urlEnv))
	}
	if pc.token == "" {
		missing = append(missing, fmt.Sprintf("%s (or %s)", pc.tokenAttr, pc.tokenEnv))
	}
	what := missing[0]
	if len(missing) == 2 {
		what = missing[0] + " and " + missing[1]
	}
	return diag.NewErrorDiagnostic(pc.name+" not configured",
		fmt.Sprintf("This resource needs the %s, but the provider has no %s. Set it in the provider \"tyk\" block or the environment.", pc.name, what))
}

// resourceBase is embedded by every resource and data source: it receives
// the provider data and hands out the plane clients with a clear error when a
// plane is not configured.
type resourceBase struct {
	data *providerData
}

func (b *resourceBase) configure(raw any, diags *diag.Diagnostics) {
	if raw == nil {
		return
	}
	d, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", raw))
		return
	}
	b.data = d
}

func (b *resourceBase) dashboardClient(diags *diag.Diagnostics) *dashboard.Client {
	if b.data == nil {
		diags.AddError(
			"Provider not configured",
			"The Tyk provider was not configured before this resource was used. Please report this issue to the provider developers.",
		)
		return nil
	}
	if b.data.dashboard == nil {
		diags.Append(notConfigured(b.data.dashboardCfg))
		return nil
	}
	return b.data.dashboard
}

func (b *resourceBase) portalClient(diags *diag.Diagnostics) *portal.Client {
	if b.data == nil {
		diags.AddError(
			"Provider not configured",
			"The Tyk provider was not configured before this resource was used. Please report this issue to the provider developers.",
		)
		return nil
	}
	if b.data.portal == nil {
		diags.Append(notConfigured(b.data.portalCfg))
		return nil
	}
	return b.data.portal
}
