package provider

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

// tlsModel is one of dashboard_tls, portal_tls, idp_tls.
type tlsModel struct {
	CAPEM              types.String `tfsdk:"ca_pem"`
	CAFile             types.String `tfsdk:"ca_file"`
	InsecureSkipVerify types.Bool   `tfsdk:"insecure_skip_verify"`
	ClientCertPEM      types.String `tfsdk:"client_cert_pem"`
	ClientKeyPEM       types.String `tfsdk:"client_key_pem"`
	ClientCertFile     types.String `tfsdk:"client_cert_file"`
	ClientKeyFile      types.String `tfsdk:"client_key_file"`
}

// tlsPlane names one TLS block: its attribute, what it talks to, and the
// prefix of its environment variables.
type tlsPlane struct{ attr, what, env string }

var (
	dashboardTLS = tlsPlane{"dashboard_tls", "the Tyk Dashboard", "TYK_DASHBOARD"}
	portalTLS    = tlsPlane{"portal_tls", "the Developer Portal", "TYK_PORTAL"}
	idpTLS       = tlsPlane{"idp_tls", "identity providers (discovery, RFC 7592 client reads, token endpoints)", "TYK_IDP"}
)

func (p tlsPlane) schema() schema.SingleNestedAttribute {
	sib := func(name string) path.Expression { return path.MatchRelative().AtParent().AtName(name) }
	return schema.SingleNestedAttribute{
		Optional: true,
		Description: "TLS towards " + p.what + ": CA certificates to trust besides the system's (for a private CA), a client " +
			"certificate for mutual TLS, or no verification. Every attribute also reads `" + p.env + "_<ATTRIBUTE>` (e.g. `" +
			p.env + "_CA_FILE`) when unset.",
		Attributes: map[string]schema.Attribute{
			"ca_pem": schema.StringAttribute{
				Optional: true, Description: "PEM CA certificate(s) to trust, e.g. `file(\"ca.pem\")`.",
			},
			"ca_file": schema.StringAttribute{
				Optional: true, Description: "Path of a PEM CA bundle to trust.",
			},
			"insecure_skip_verify": schema.BoolAttribute{
				Optional: true, Description: "Accept any certificate (testing only; the provider warns). Overrides the provider's `insecure_skip_verify`.",
			},
			"client_cert_pem": schema.StringAttribute{
				Optional: true, Description: "PEM client certificate for mutual TLS.",
				Validators: []validator.String{stringvalidator.ConflictsWith(sib("client_cert_file"))},
			},
			"client_key_pem": schema.StringAttribute{
				Optional: true, Sensitive: true, Description: "PEM private key of the client certificate. Sensitive.",
				Validators: []validator.String{stringvalidator.ConflictsWith(sib("client_key_file"))},
			},
			"client_cert_file": schema.StringAttribute{Optional: true, Description: "Path of the PEM client certificate."},
			"client_key_file":  schema.StringAttribute{Optional: true, Description: "Path of the PEM private key of the client certificate."},
		},
	}
}

func envOr(v types.String, env string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

// resolve reads the block and its environment fallbacks; insecure is the
// provider-wide insecure_skip_verify. Unreadable files and PEM that is not
// a certificate are errors on the block, at plan time.
func (p tlsPlane) resolve(ctx context.Context, obj types.Object, insecure bool, diags *diag.Diagnostics) client.TLS {
	var m tlsModel
	if !obj.IsNull() && !obj.IsUnknown() {
		diags.Append(obj.As(ctx, &m, basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true})...)
	}
	t := client.TLS{
		CAPEM: envOr(m.CAPEM, p.env+"_CA_PEM"), CAFile: envOr(m.CAFile, p.env+"_CA_FILE"),
		ClientCertPEM: envOr(m.ClientCertPEM, p.env+"_CLIENT_CERT_PEM"), ClientKeyPEM: envOr(m.ClientKeyPEM, p.env+"_CLIENT_KEY_PEM"),
		ClientCertFile: envOr(m.ClientCertFile, p.env+"_CLIENT_CERT_FILE"), ClientKeyFile: envOr(m.ClientKeyFile, p.env+"_CLIENT_KEY_FILE"),
		InsecureSkipVerify: insecure,
		Hint:               fmt.Sprintf("%s.ca_file (or %s_CA_FILE)", p.attr, p.env),
		Skip:               p.attr + ".insecure_skip_verify",
	}
	if v := os.Getenv(p.env + "_INSECURE_SKIP_VERIFY"); v != "" {
		t.InsecureSkipVerify = envBool(p.env + "_INSECURE_SKIP_VERIFY")
	}
	if !m.InsecureSkipVerify.IsNull() && !m.InsecureSkipVerify.IsUnknown() {
		t.InsecureSkipVerify = m.InsecureSkipVerify.ValueBool()
	}
	if (t.ClientCertPEM != "" || t.ClientCertFile != "") != (t.ClientKeyPEM != "" || t.ClientKeyFile != "") {
		diags.AddAttributeError(path.Root(p.attr), "Incomplete client certificate",
			fmt.Sprintf("%s: a client certificate needs both the certificate (client_cert_pem or client_cert_file) and its key "+
				"(client_key_pem or client_key_file).", p.attr))
		return t
	}
	if _, err := t.Config(); err != nil {
		diags.AddAttributeError(path.Root(p.attr), "Invalid TLS settings",
			fmt.Sprintf("TLS towards %s: %s. Check %s (or the %s_* environment variables).", p.what, err, p.attr, p.env))
	}
	return t
}

// warnInsecure warns, once per provider configuration, about every plane
// whose certificates are not verified.
func warnInsecure(planes map[string]client.TLS, diags *diag.Diagnostics) {
	var off []string
	for _, name := range []string{"Tyk Dashboard", "Developer Portal", "identity providers"} {
		if t, ok := planes[name]; ok && t.InsecureSkipVerify {
			off = append(off, name)
		}
	}
	if len(off) == 0 {
		return
	}
	diags.AddWarning("TLS certificate verification is off",
		fmt.Sprintf("The provider accepts any certificate from: %s. Anyone on the network path can impersonate them and read the "+
			"tokens and secrets the provider sends. Trust the CA that signed their certificates instead (*_tls.ca_file or ca_pem) "+
			"and remove insecure_skip_verify.", strings.Join(off, ", ")))
}
