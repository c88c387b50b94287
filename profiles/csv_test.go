package profiles

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

func readCSV(t *testing.T, text string) []Profile {
	t.Helper()
	ps, err := ReadCSV(strings.NewReader(text))
	if err != nil {
		t.Fatalf("ReadCSV: %v\n%s", err, text)
	}
	return ps
}

// The shapes a support engineer's list arrives in: Excel's CSV UTF-8 (a byte-order
// mark, CRLF, quoted cells), Excel in a Bulgarian or other European locale (semicolons),
// Excel's "Unicode text" (UTF-16 with tabs), columns in any order and case.
func TestReadCSVShapes(t *testing.T) {
	want := []Profile{
		{Name: "Acme Test", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/sync", Scopes: []string{"read", "update"}, Environment: "Test", Tags: []string{"acme", "EU west"}},
		{Name: "Акме Прод", InstanceURL: "https://acme-prod.my.erp.net", ClientID: "com.acme/sync", Scopes: []string{"read"}, Environment: "Production"},
	}
	check := func(name string, got []Profile) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d profiles: %+v", name, len(got), got)
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.Name != w.Name || g.InstanceURL != w.InstanceURL || g.ClientID != w.ClientID || !slices.Equal(g.Scopes, w.Scopes) ||
				g.Environment != w.Environment || !slices.Equal(g.Tags, w.Tags) {
				t.Errorf("%s row %d:\n got %+v\nwant %+v", name, i, g, w)
			}
		}
	}
	comma := "\ufeffname,instance,client_id,scopes,env,tags\r\n" +
		"Acme Test,https://acme.my.erp.net,com.acme/sync,read update,Test,\"acme, EU west\"\r\n" +
		"\r\n" + // empty rows are skipped
		"Акме Прод, https://acme-prod.my.erp.net ,com.acme/sync,read,Production,\r\n"
	check("comma", readCSV(t, comma))

	semicolon := "Tags;Client ID;Instance URL;Name;Scope;Environment\n" +
		"acme;EU west;com.acme/sync;https://acme.my.erp.net;Acme Test;read,update;Test\n"
	// The unquoted "acme;EU west" splits: that row has a cell too many.
	if _, err := ReadCSV(strings.NewReader(semicolon)); err == nil || !strings.Contains(err.Error(), `line 2 has 7 cells, the header 6: quote a value that holds the separator ";"`) {
		t.Errorf("semicolon, unquoted: %v", err)
	}
	semicolon = "Tags;Client ID;Instance URL;Name;Scope;Environment\n" +
		"\"acme;EU west\";com.acme/sync;https://acme.my.erp.net;Acme Test;read,update;Test\n" +
		";com.acme/sync;https://acme-prod.my.erp.net;Акме Прод;read;Production\n"
	check("semicolon", readCSV(t, semicolon))

	tab := "name\tinstance\tclient_id\tscopes\tenv\ttags\n" +
		"Acme Test\thttps://acme.my.erp.net\tcom.acme/sync\tread;update\tTest\tacme;EU west;ACME\n" +
		"Акме Прод\thttps://acme-prod.my.erp.net\tcom.acme/sync\tread\tProduction\t\n"
	enc, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(tab)
	if err != nil {
		t.Fatal(err)
	}
	check("utf-16 tab", readCSV(t, enc))

	// Only the required columns; a trailing separator on the header is fine.
	ps := readCSV(t, "NAME,Instance,client-id,\nX,https://x.example,c\n")
	if len(ps) != 1 || ps[0].Name != "X" || ps[0].Scopes != nil || ps[0].Tags != nil {
		t.Errorf("minimal: %+v", ps)
	}
}

// A file that cannot be imported is refused whole, each problem with its line; a
// secret column is refused by its header alone, and nothing of its values is shown.
func TestReadCSVRefuses(t *testing.T) {
	const secret = "s3cr3t-Value-123"
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"empty", "", []string{"the file is empty"}},
		{"header only", "name,instance,client_id\n", []string{"has a header but no rows"}},
		{"client_secret", "name,instance,client_id,client_secret\nA,https://a.example,c," + secret + "\n",
			[]string{`column 4 "client_secret" looks like a secret`, "secrets are never imported from a file", "profiles set-secret NAME"}},
		{"Password", "Name;Instance;Client ID;Password\nA;https://a.example;c;" + secret + "\n", []string{`column 4 "Password" looks like a secret`}},
		{"API key", "name,instance,client_id,API Key\nA,https://a.example,c," + secret + "\n", []string{`"API Key" looks like a secret`}},
		{"token", "name,instance,client_id,access token\nA,https://a.example,c," + secret + "\n", []string{`"access token" looks like a secret`}},
		{"secret only", "App Secret\n" + secret + "\n", []string{`column 1 "App Secret" looks like a secret`}},
		{"missing columns", "name,scopes\nA,read\n", []string{"no instance column", "no client_id column", "instance and client_id are required"}},
		{"unknown column", "name,instance,client_id,notes\nA,https://a.example,c,x\n", []string{`column 4 "notes" is not one this import knows: use name, instance, client_id, scopes, env, tags`}},
		{"repeated column", "name,instance,client_id,env,environment\nA,https://a.example,c,Test,Prod\n", []string{"columns 4 and 5 are both env"}},
		{"unnamed column", "name,,instance,client_id\n", []string{"column 2 has no name"}},
		{"rows", "name,instance,client_id\n,https://a.example,c\nB,https://b.example,c,extra\nC,https://c.example,c\n", []string{"line 2 has no name", `line 3 has 4 cells, the header 3: quote a value that holds the separator ","`}},
		{"broken quote", "name,instance,client_id\nA,https://a.example,c\n\"B,https://b.example,c\n", []string{"line 3:", "extraneous or missing \" in quoted-field"}},
		{"bare quote", "name,instance,client_id\nA \"x\",https://a.example,c\n", []string{"line 2:", "bare \" in non-quoted-field", "quotes doubled"}},
		{"code page 1251", "name,instance,client_id\nA,https://a.example,c\n\xc0\xea\xec\xe5,https://b.example,c\n", []string{"line 3 is not UTF-8 text", `save it as "CSV UTF-8 (Comma delimited)"`}},
	} {
		_, err := ReadCSV(strings.NewReader(tc.text))
		var ce *CSVError
		if !errors.As(err, &ce) {
			t.Errorf("%s: %v, want a *CSVError", tc.name, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q lacks %q", tc.name, err, w)
			}
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the secret is in the message: %v", tc.name, err)
		}
	}
	// Escapes in a header cannot reach the terminal.
	_, err := ReadCSV(strings.NewReader("name,instance,client_id,\x1b[2Jx\nA,https://a.example,c,1\n"))
	if err == nil || strings.Contains(err.Error(), "\x1b") {
		t.Errorf("escaped header: %q", err)
	}
	// Many bad rows: the first 20 problems, then "and more".
	var b strings.Builder
	b.WriteString("name,instance,client_id\n")
	for i := 0; i < 30; i++ {
		b.WriteString(",https://a.example,c\n")
	}
	if _, err := ReadCSV(strings.NewReader(b.String())); err == nil || strings.Count(err.Error(), "has no name") != 20 || !strings.HasSuffix(err.Error(), "and more") {
		t.Errorf("many problems: %v", err)
	}
	// Over the size limit: refused as such.
	if _, err := ReadCSV(io.LimitReader(spaces{}, MaxBundleBytes+1)); err == nil || !strings.Contains(err.Error(), "larger than 16 MiB") {
		t.Errorf("too large: %v", err)
	}
}

// The import takes the same road as a JSON bundle's: validation row by row (a bad
// row is rejected, the others come in), the conflict choice, the security review,
// tags kept, no secret.
func TestImportCSV(t *testing.T) {
	clock := t0
	s := openAt(t, storePath(t), &clock)
	text := "name,instance,client_id,scopes,env,tags\n" +
		"Acme Test,https://acme.my.erp.net,com.acme/sync,read update,Test,acme;eu\n" +
		"Plain HTTP,http://10.1.2.3:8080,com.acme/sync,read,Test,\n" +
		"Broken,acme.my.erp.net,com.acme/sync,read,Test,\n" +
		"Bad tag,https://b.my.erp.net,c,read,Test,\"" + strings.Repeat("x", 41) + "\"\n"
	res, err := ImportCSV(s, strings.NewReader(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Added, []string{"Acme Test", "Plain HTTP"}) || len(res.Rejected) != 2 ||
		res.Rejected[0].Name != "Broken" || res.Rejected[1].Name != "Bad tag" {
		t.Fatalf("result %+v", res)
	}
	if got := fmt.Sprint(res.Rejected[1].Problems); !strings.Contains(got, "tags[0]") || !strings.Contains(got, "at most 40") {
		t.Errorf("tag problem: %s", got)
	}
	if len(res.Review) != 1 || res.Review[0].Name != "Plain HTTP" || !strings.Contains(res.Review[0].Notes[0].Message, "plain http://") {
		t.Errorf("review %+v", res.Review)
	}
	p, err := s.Get("Acme Test")
	if err != nil || !slices.Equal(p.Tags, []string{"acme", "eu"}) || !p.HasTag("EU") || p.HasTag("us") || !p.SecretSetAt.IsZero() {
		t.Errorf("stored %+v %v", p, err)
	}
	// Again: skipped by default, renamed or replaced when asked.
	again := "name,instance,client_id,env\nAcme Test,https://acme.my.erp.net,com.acme/other,Production\n"
	if res, _ := ImportCSV(s, strings.NewReader(again), nil); !slices.Equal(res.Skipped, []string{"Acme Test"}) {
		t.Errorf("skip: %+v", res)
	}
	if res, _ := ImportCSV(s, strings.NewReader(again), func(string) ConflictAction { return ConflictRename }); len(res.Renamed) != 1 || res.Renamed[0].To != "Acme Test (2)" {
		t.Errorf("rename: %+v", res)
	}
	if res, _ := ImportCSV(s, strings.NewReader(again), func(string) ConflictAction { return ConflictReplace }); !slices.Equal(res.Replaced, []string{"Acme Test"}) {
		t.Errorf("replace: %+v", res)
	}
	if p, _ := s.Get("Acme Test"); p.ClientID != "com.acme/other" || p.Environment != "Production" || p.Tags != nil {
		t.Errorf("replaced: %+v", p)
	}
	// A refused file imports nothing.
	n := len(s.List())
	if _, err := ImportCSV(s, strings.NewReader("name,instance,client_id,secret\nZ,https://z.example,c,x\n"), nil); err == nil || len(s.List()) != n {
		t.Errorf("refused file: %v, %d -> %d profiles", err, n, len(s.List()))
	}
}

func TestNormalizeTags(t *testing.T) {
	if got := NormalizeTags(" a ; b,, A ", "c;b"); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("%q", got)
	}
	if NormalizeTags("", " ; ") != nil {
		t.Error("no tags must be nil")
	}
	p := validProfile()
	p.Tags = []string{"ok", " space", "a,b", "ok", "\u202eevil", ""}
	got := fmt.Sprint(Validate(p, nil))
	for _, w := range []string{"tags[1]", "leading or trailing spaces", "tags[2]", "comma or semicolon", "warning tags[3]", "listed twice", "tags[4]", "invisible", "tags[5]: is empty"} {
		if !strings.Contains(got, w) {
			t.Errorf("problems %s lack %q", got, w)
		}
	}
	p.Tags = make([]string, MaxTags+1)
	for i := range p.Tags {
		p.Tags[i] = fmt.Sprint("t", i)
	}
	if got := fmt.Sprint(Validate(p, nil)); !strings.Contains(got, "has 21 tags: use at most 20") {
		t.Errorf("too many: %s", got)
	}
}

// No CSV input makes ReadCSV panic or hang.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"name,instance,client_id\nA,https://a.example,c\n",
		"\ufeffname;instance;client_id;tags\n\"A;1\";https://a.example;c;\"x;y\"\r\n",
		"name\tinstance\tclient_id\n\"A\"\"\"\thttps://a\tc\n",
		"\xff\xfen\x00a\x00m\x00e\x00\n\x00",
		"secret\nx\n", "\"", ",,,\n,,,", "name,instance,client_id\n\"unterminated",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := ReadCSV(strings.NewReader(string(data)))
		if err == nil && len(ps) == 0 {
			t.Fatal("no error and no profiles")
		}
	})
}

// A list of 500 customer instances read and imported into an empty store.
func BenchmarkImportCSV500(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("name;instance;client_id;scopes;env;tags\r\n")
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&sb, "Customer %d;https://c%d.my.erp.net;com.partner/sync;read update;Production;\"customer-%d;eu\"\r\n", i, i%50, i)
	}
	text := sb.String()
	b.Run("read", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if ps, err := ReadCSV(strings.NewReader(text)); err != nil || len(ps) != 500 {
				b.Fatal(err)
			}
		}
	})
	b.Run("import", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s, err := Open(filepath.Join(b.TempDir(), "profiles.json"))
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if res, err := ImportCSV(s, strings.NewReader(text), nil); err != nil || len(res.Added) != 500 {
				b.Fatal(err)
			}
		}
	})
}
