package portal

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tykdcr/terraform-provider-tyk/internal/sandbox/store"
)

// dashConn is the Portal's own HTTP connection to a Tyk Dashboard, made with
// the URL and secret an API provider holds, exactly as the real Portal syncs.
type dashConn struct {
	url, secret string
	http        *http.Client
}

func providerMeta(d store.Doc) (map[string]any, error) {
	cfg, _ := d["Configuration"].(map[string]any)
	raw, _ := cfg["MetaData"].(string)
	var meta map[string]any
	if err := json.Unmarshal([]byte(raw), &meta); err != nil {
		return nil, fmt.Errorf("configuration MetaData is not valid JSON: %v", err)
	}
	return meta, nil
}

// newDashConn is the Portal's connection to the Dashboard of an API
// provider: the provider's InsecureSkipVerify, else the installation's
// trusted CAs (Options.RootCAs, the system's when nil).
func (s *server) newDashConn(provider store.Doc) (*dashConn, error) {
	meta, err := providerMeta(provider)
	if err != nil {
		return nil, err
	}
	u, _ := meta["URL"].(string)
	secret, _ := meta["Secret"].(string)
	insecure, _ := meta["InsecureSkipVerify"].(bool)
	if u == "" {
		return nil, fmt.Errorf("the provider has no Dashboard URL")
	}
	tr := defaultTransport()
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: insecure, RootCAs: s.opts.RootCAs} //nolint:gosec // mirrors the provider's setting
	return &dashConn{url: strings.TrimRight(u, "/"), secret: secret, http: &http.Client{Timeout: 10 * time.Second, Transport: tr}}, nil
}

func (c *dashConn) do(method, path string, body, out any) (int, error) {
	var rdr io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rdr = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.url+path, rdr)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", c.secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		var env struct{ Message string }
		_ = json.Unmarshal(b, &env)
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, env.Message)
	}
	if out != nil {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(out); err != nil {
			return resp.StatusCode, err
		}
	}
	return resp.StatusCode, nil
}

func (c *dashConn) policies() ([]store.Doc, error) {
	var l struct {
		Data []store.Doc `json:"Data"`
	}
	_, err := c.do(http.MethodGet, "/api/portal/policies?p=-2", nil, &l)
	return l.Data, err
}

func (c *dashConn) api(id string) (store.Doc, error) {
	var w struct {
		APIDefinition store.Doc `json:"api_definition"`
	}
	_, err := c.do(http.MethodGet, "/api/apis/"+id, nil, &w)
	return w.APIDefinition, err
}

func (c *dashConn) createPolicy(p store.Doc) (string, error) {
	var env struct{ Message string }
	_, err := c.do(http.MethodPost, "/api/portal/policies", p, &env)
	return env.Message, err
}

func (c *dashConn) getPolicy(id string) (store.Doc, error) {
	var p store.Doc
	_, err := c.do(http.MethodGet, "/api/portal/policies/"+id, nil, &p)
	return p, err
}

func (c *dashConn) updatePolicy(id string, p store.Doc) error {
	_, err := c.do(http.MethodPut, "/api/portal/policies/"+id, p, nil)
	return err
}

func (c *dashConn) deletePolicy(id string) error {
	code, err := c.do(http.MethodDelete, "/api/portal/policies/"+id, nil, nil)
	if code == http.StatusNotFound {
		return nil
	}
	return err
}
