package portal

import (
	"errors"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

func asAPIError(err error, target **client.APIError) bool { return errors.As(err, target) }
