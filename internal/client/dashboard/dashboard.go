// Package dashboard is a client for the Tyk Dashboard API subset the
// provider manages: security policies (/api/portal/policies) and Tyk Classic
// API definitions (/api/apis).
package dashboard

import (
	"context"
	"encoding/json"
	"regexp"

	"github.com/tykdcr/terraform-provider-tyk/internal/client"
)

// Client talks to one Tyk Dashboard.
type Client struct {
	c    *client.Client
	snap snapshot
	objs objects
}

// New wraps a transport configured for the Dashboard.
func New(c *client.Client) *Client { return &Client{c: c} }

// envelope is the Dashboard's generic answer {"Status","Message","Meta"[,"ID"]}.
type envelope struct {
	Status  string          `json:"Status"`
	Message string          `json:"Message"`
	Meta    json.RawMessage `json:"Meta"`
	ID      string          `json:"ID,omitempty"`
}

var objectIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{24}$`)

// IsObjectID reports whether s looks like a Dashboard database id (24 hex).
func IsObjectID(s string) bool { return objectIDPattern.MatchString(s) }

func (d *Client) do(ctx context.Context, method, path string, body, out any) error {
	if method != "GET" {
		defer d.invalidate()
		defer d.forgetObjects(path)
	}
	_, err := d.c.Do(ctx, client.Request{Method: method, Path: path, Body: body}, out)
	return err
}

// pages walks a paged list with the Dashboard's `p` parameter until the
// reported page count is reached.
func pages(ctx context.Context, fetch func(ctx context.Context, page int) (pageCount int, err error)) error {
	for page := 1; ; page++ {
		n, err := fetch(ctx, page)
		if err != nil {
			return err
		}
		if n <= page {
			return nil
		}
	}
}
