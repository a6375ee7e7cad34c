package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type httpURLValidator struct{}

func httpURL() validator.String { return httpURLValidator{} }

func (httpURLValidator) Description(context.Context) string {
	return "value must be an absolute http:// or https:// URL"
}
func (v httpURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v httpURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("%s: %q is not an absolute http:// or https:// URL.", req.Path, s))
	}
}

type durationValidator struct{}

func duration() validator.String { return durationValidator{} }

func (durationValidator) Description(context.Context) string {
	return "value must be a positive Go duration such as 30s or 2m"
}
func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s: %q is not a positive Go duration such as \"30s\" or \"2m\".", req.Path, req.ConfigValue.ValueString()))
	}
}

type regexValidator struct{}

func validRegex() validator.String { return regexValidator{} }

func (regexValidator) Description(context.Context) string {
	return "value must be an RE2 regular expression"
}
func (v regexValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v regexValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%s: %s. The filter takes Go's RE2 syntax (https://github.com/google/re2/wiki/Syntax).", req.Path, err))
	}
}
