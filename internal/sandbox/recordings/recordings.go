// Package recordings reads the recordings of real Tyk answers kept beside
// the repository (../shared/tyk-recordings, or $TYK_RECORDINGS_DIR). They are
// evidence, never copied into the repository: tests that use them skip when
// they are absent.
package recordings

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// PortalDir is the folder of the real Portal's raw responses.
const PortalDir = "portal-1.x-2023-08-15"

// Dir returns the recordings folder, or "" when it is not there.
func Dir() string {
	if d := os.Getenv("TYK_RECORDINGS_DIR"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	for d := filepath.Dir(file); filepath.Dir(d) != d; d = filepath.Dir(d) {
		cand := filepath.Join(d, "..", "shared", "tyk-recordings")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand
		}
	}
	return ""
}

// Response is one recorded HTTP answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Load reads a raw recorded response (status line, headers, body), or skips
// the test when the recordings are not there.
func Load(t testing.TB, rel string) Response {
	t.Helper()
	dir := Dir()
	if dir == "" {
		t.Skip("../shared/tyk-recordings is not present; recordings are evidence kept outside the repository")
	}
	raw, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatalf("reading recording %s: %v", rel, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		t.Fatalf("parsing recording %s: %v", rel, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil && len(body) == 0 {
		t.Fatalf("reading the body of %s: %v", rel, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// Replay answers every request with the recorded response, byte for byte.
func (r Response) Replay() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range r.Header {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(r.Status)
		_, _ = w.Write(r.Body)
	})
}
