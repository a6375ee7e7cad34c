package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSecretInState(t *testing.T) {
	// printf %s s3cret | sha256sum
	const fp = "1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0"
	for _, tc := range []struct {
		store      types.Bool
		secret     string
		wantSecret types.String
		wantFP     types.String
	}{
		{types.BoolValue(true), "s3cret", types.StringValue("s3cret"), types.StringValue(fp)},
		{types.BoolNull(), "s3cret", types.StringValue("s3cret"), types.StringValue(fp)},
		{types.BoolValue(false), "s3cret", types.StringNull(), types.StringValue(fp)},
		{types.BoolValue(false), "", types.StringNull(), types.StringNull()},
	} {
		s, f := secretInState(tc.store, tc.secret)
		if !s.Equal(tc.wantSecret) || !f.Equal(tc.wantFP) {
			t.Errorf("secretInState(%v, %q) = %v, %v; want %v, %v", tc.store, tc.secret, s, f, tc.wantSecret, tc.wantFP)
		}
	}
}
