package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"trustedapp-tester/check"
)

// The Exchanges list names the host once above the rows; each row shows status,
// method, path and total time, and a request to another host shows its whole URL.
func TestExchangesListHostOnce(t *testing.T) {
	rep := healthyReport()
	last := len(rep.Steps) - 1
	rep.Steps[last].Exchanges = append(rep.Steps[last].Exchanges,
		ex("GET", "https://login.other.example/keys?x=1", 502, "", 1500*time.Millisecond))
	e := newEnv(t, Deps{Run: replayRun(rep)}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	u.win.Resize(fyne.NewSize(1200, 720))
	u.run.tabs.SelectIndex(3)
	x := u.run.exchanges
	if x.host != "https://acme.my.erp.net" || x.hostLbl.Text != "Requests went to https://acme.my.erp.net (one went elsewhere: its row shows the whole address)" {
		t.Fatalf("host %q, line %q", x.host, x.hostLbl.Text)
	}
	var rows []string
	for _, it := range x.items {
		rows = append(rows, exchangeTitle(it, x.host))
	}
	want := []string{"200  GET /tools/ver", "200  GET /id/.well-known/openid-configuration", "200  POST /id/connect/token"}
	for i, w := range want {
		if rows[i] != w {
			t.Errorf("row %d = %q, want %q", i, rows[i], w)
		}
	}
	if got := rows[len(rows)-1]; got != "502  GET https://login.other.example/keys?x=1" {
		t.Errorf("other-host row = %q", got)
	}
	// What the list draws: the path row with its total time beside it.
	drawn := texts(x.list)
	for _, w := range []string{"200  GET /tools/ver\n42 ms", "200  POST /id/connect/token\n96 ms"} {
		if !strings.Contains(drawn, w) {
			t.Errorf("list lacks %q:\n%s", w, drawn)
		}
	}
	// The detail pane still shows the whole URL.
	x.list.Select(0)
	if d := texts(x.detail); !strings.Contains(d, "GET https://acme.my.erp.net/tools/ver") {
		t.Errorf("detail = %q", d)
	}

	// One host only: said once, no exception.
	x.set(healthyReport())
	if x.hostLbl.Text != "All requests went to https://acme.my.erp.net" {
		t.Errorf("line = %q", x.hostLbl.Text)
	}
	x.set(check.Report{})
	if x.hostLbl.Visible() {
		t.Errorf("host line shown with no requests: %q", x.hostLbl.Text)
	}
}
