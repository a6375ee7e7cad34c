package client

import "context"

// CreateAttempts bounds how often a create is sent when each attempt's
// outcome was unknown and a lookup showed nothing was created.
const CreateAttempts = 4

// CreateOnce sends a non-idempotent create at most until it is known to have
// happened: after an ambiguous failure (connection lost after sending, 5xx)
// find looks the object up; found, it is adopted; verified absent, the create
// is sent again. Any other error is returned as is.
func CreateOnce[T any](ctx context.Context, create func(context.Context) (T, error), find func(context.Context) (T, bool, error)) (T, error) {
	var zero T
	var err error
	for attempt := 0; attempt < CreateAttempts; attempt++ {
		var out T
		out, err = create(ctx)
		if err == nil || !IsAmbiguousWrite(err) {
			return out, err
		}
		found, ok, ferr := find(ctx)
		if ferr != nil {
			return zero, err
		}
		if ok {
			return found, nil
		}
		if ctx.Err() != nil {
			return zero, err
		}
	}
	return zero, err
}
