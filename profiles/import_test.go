package profiles

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// riskyBundle has one plain profile and one carrying every security-relevant value.
const riskyBundle = `{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[
 {"name":"Plain","instance_url":"https://acme.my.erp.net","client_id":"c","calls":[{"method":"GET","path":"/api/domain/odata/X"}]},
 {"name":"Risky","instance_url":"https://acme.my.erp.net","client_id":"c",
  "authority":"https://login.evil.example/id","token_endpoint":"http://collector.evil.example/token",
  "odata_root":"https://acme.my.erp.net/api/domain/odata/","proxy":"http://proxy.evil.example:3128",
  "tls":{"insecure_skip_verify":true,"ca_file":"/tmp/evil-ca.pem"},
  "calls":[{"method":"GET","path":"/x"},{"method":"DELETE","path":"/api/domain/odata/Crm_Sales_Customers(1)"},
           {"method":"GET","path":"https://exfil.evil.example/steal"}]}]}`

// Import lists every security-relevant value a profile brings in (issue 11, item 5):
// TLS verification off, an extra CA, a proxy, an authority or token endpoint on
// another host (or over plain http), calls that write or go to another host.
func TestImportReviewsSecurityRelevantValues(t *testing.T) {
	ps, err := ReadBundle(strings.NewReader(riskyBundle))
	if err != nil {
		t.Fatal(err)
	}
	rev := ReviewProfiles(ps)
	if len(rev) != 1 || rev[0].Name != "Risky" {
		t.Fatalf("review %+v", rev)
	}
	var got []string
	for _, n := range rev[0].Notes {
		got = append(got, n.String())
	}
	want := []string{
		"tls.insecure_skip_verify: TLS certificate verification is OFF: anyone on the network path can read the client secret and the tokens",
		"tls.ca_file: trusts the extra CA certificates in /tmp/evil-ca.pem: whoever holds that CA's key can stand in for the instance",
		"proxy: every request goes through the proxy http://proxy.evil.example:3128",
		"authority: on another host than the instance (login.evil.example, the instance is acme.my.erp.net): the client secret is sent to its token endpoint",
		"token_endpoint: on another host than the instance (collector.evil.example, the instance is acme.my.erp.net): the client secret is sent there",
		"token_endpoint: plain http:// to collector.evil.example: the client secret is sent there unencrypted",
		"calls[1]: DELETE /api/domain/odata/Crm_Sales_Customers(1) changes data on the instance",
		"calls[2]: calls another host than the instance (https://exfil.evil.example): the access token is not sent there unless that host is confirmed for this profile",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("notes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The import result carries the same review for what it saved.
	clock := t0
	s := openAt(t, storePath(t), &clock)
	res, err := s.Import(strings.NewReader(riskyBundle), nil)
	if err != nil || len(res.Review) != 1 || len(res.Review[0].Notes) != len(want) {
		t.Fatalf("import review: %+v %v", res.Review, err)
	}
	// Skipped profiles are not reviewed: nothing of theirs was saved.
	res, _ = s.Import(strings.NewReader(riskyBundle), nil)
	if len(res.Review) != 0 || len(res.Skipped) != 2 {
		t.Fatalf("second import: %+v", res)
	}
	// Values are escaped: a proxy URL cannot carry terminal escapes into the review.
	p := validProfile()
	p.Proxy = "http://proxy.example:3128/\x1b[2J"
	if n := SecurityNotes(p); len(n) != 1 || strings.Contains(n[0].Message, "\x1b") || !strings.Contains(n[0].Message, `\x1b[2J`) {
		t.Fatalf("escaped note: %+v", n)
	}
}

// A bundle over the size limit is refused as such, not cut off and then called broken.
func TestImportTooLarge(t *testing.T) {
	clock := t0
	s := openAt(t, storePath(t), &clock)
	big := io.LimitReader(spaces{}, MaxBundleBytes+1)
	if _, err := s.Import(big, nil); err == nil || !strings.Contains(err.Error(), "larger than 16 MiB") {
		t.Fatalf("err = %v", err)
	}
}

type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// Import's time is linear: one name index for the whole bundle, not a search of every
// profile for every name (issue 11, item 4; BenchmarkImport measures it). This checks
// the results stay right with many clashes and generated names.
func TestImportManyClashes(t *testing.T) {
	clock := t0
	s := openAt(t, storePath(t), &clock)
	var b strings.Builder
	b.WriteString(`{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[`)
	for i := range 300 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"name":"p%03d","instance_url":"https://t.example","client_id":"c"}`, i%100)
	}
	b.WriteString("]}")
	_, err := s.Import(strings.NewReader(b.String()), nil)
	if err == nil || !strings.Contains(err.Error(), `two profiles are named "p000"`) {
		t.Fatalf("a bundle with repeated names: %v", err)
	}
	b.Reset()
	b.WriteString(`[`)
	for i := range 100 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"name":"p%03d","instance_url":"https://t.example","client_id":"c"}`, i)
	}
	b.WriteString("]")
	ren := func(Profile) (ConflictAction, string) { return ConflictRename, "" }
	for round := range 3 {
		res, err := s.Import(strings.NewReader(b.String()), ren)
		if err != nil {
			t.Fatal(err)
		}
		if round == 0 && len(res.Added) != 100 || round > 0 && (len(res.Renamed) != 100 || res.Renamed[99].To != fmt.Sprintf("p099 (%d)", round+1)) {
			t.Fatalf("round %d: %+v", round, res)
		}
	}
	if n := len(s.List()); n != 300 {
		t.Fatalf("%d profiles", n)
	}
	rep := func(Profile) (ConflictAction, string) { return ConflictReplace, "" }
	if res, err := s.Import(strings.NewReader(b.String()), rep); err != nil || len(res.Replaced) != 100 || len(s.List()) != 300 {
		t.Fatalf("replace: %+v %v", res, err)
	}
}
