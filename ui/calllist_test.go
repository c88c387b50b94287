package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"trustedapp-tester/profiles"
)

// The editor's API calls: rows with a method, a path and (for POST/PATCH/PUT) a JSON
// body; add, remove, start from the defaults; bad rows are refused by number.
func TestEditorCallList(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	test.Tap(u.run.header.edit)
	cl := u.editor.calls
	if len(cl.rows) != 0 || !cl.empty.Visible() || !strings.Contains(cl.empty.Text, "GET /api/domain/currentmodel") {
		t.Fatalf("a profile without calls: %d rows, empty note %q (visible %v)", len(cl.rows), cl.empty.Text, cl.empty.Visible())
	}
	test.Tap(cl.defaults)
	defs := profiles.DefaultCalls()
	if len(cl.rows) != len(defs) || cl.empty.Visible() || cl.defaults.Visible() {
		t.Fatalf("Start from the defaults gave %d rows", len(cl.rows))
	}
	if cl.rows[0].body.Visible() {
		t.Error("a GET row shows a body field")
	}

	test.Tap(cl.add)
	r := cl.rows[len(cl.rows)-1]
	r.method.SetSelected("PATCH")
	if !r.body.Visible() {
		t.Fatal("a PATCH row hides its body field")
	}
	test.Type(r.path, "/api/domain/odata/Crm_Sales_Customers(1)")
	test.Type(r.body, `{"Notes": "x"`)
	test.Tap(u.editor.save)
	u.Wait()
	if w := u.editor.warn.Text; !strings.Contains(w, "API call 4: the body is not JSON") {
		t.Fatalf("bad body warning = %q", w)
	}
	if p, _ := e.store.Get("Nightly import"); len(p.Calls) != 0 {
		t.Fatal("a profile with a bad call was saved")
	}
	r.body.SetText(`{"Notes": "x"}`)

	// A path with a space is named by its row.
	cl.rows[1].path.SetText("/api/domain/odata/Crm Sales")
	test.Tap(u.editor.save)
	u.Wait()
	if w := u.editor.warn.Text; !strings.Contains(w, "API call 2: the path contains a space") {
		t.Fatalf("bad path warning = %q", w)
	}
	// Removing that row fixes it; the others keep their order.
	test.Tap(cl.rows[1].remove)
	test.Tap(u.editor.save)
	u.Wait()
	p, err := e.store.Get("Nightly import")
	if err != nil {
		t.Fatal(err)
	}
	want := []profiles.APICall{defs[0], defs[2], {Method: "PATCH", Path: "/api/domain/odata/Crm_Sales_Customers(1)", Body: `{"Notes": "x"}`}}
	if len(p.Calls) != len(want) {
		t.Fatalf("saved calls %+v", p.Calls)
	}
	for i := range want {
		if p.Calls[i].Method != want[i].Method || p.Calls[i].Path != want[i].Path || p.Calls[i].Body != want[i].Body {
			t.Errorf("call %d = %+v, want %+v", i+1, p.Calls[i], want[i])
		}
	}

	// Opening it again shows the rows; an empty row is dropped on save.
	test.Tap(u.run.header.edit)
	if len(cl.rows) != 3 || cl.rows[2].method.Selected != "PATCH" || cl.rows[2].body.Text != `{"Notes": "x"}` {
		t.Fatalf("reopened rows: %d", len(cl.rows))
	}
	test.Tap(cl.add)
	test.Tap(u.editor.save)
	u.Wait()
	if p, _ := e.store.Get("Nightly import"); len(p.Calls) != 3 {
		t.Errorf("an empty row was saved: %+v", p.Calls)
	}
}

func TestCallPathAndBodyErrors(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"", "API call 3: enter a path"},
		{"ftp://x/y", `API call 3: the scheme "ftp" cannot be called`},
		{"https:///odata", "API call 3: the URL has no host"},
		{"/api/domain/odata/%zz", "is not a URL path"},
	} {
		if err := callPathError(3, tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("callPathError(%q) = %v, want %q", tc.path, err, tc.want)
		}
	}
	for _, ok := range []string{"/api/domain/currentmodel", "api/domain/odata/$metadata", "https://acme.my.erp.net/tableapi/odata/Gen_Documents?$top=2"} {
		if err := callPathError(1, ok); err != nil {
			t.Errorf("callPathError(%q) = %v", ok, err)
		}
	}
	if err := callBodyError(2, `{"a":}`); err == nil || !strings.Contains(err.Error(), "API call 2: the body is not JSON (invalid character '}' looking for beginning of value at character 6)") {
		t.Errorf("callBodyError = %v", err)
	}
	if err := callBodyError(2, ` [1, 2] `); err != nil {
		t.Errorf("callBodyError(array) = %v", err)
	}
}
