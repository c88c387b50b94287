package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"trustedapp-tester/check"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/redact"
)

// JUnit XML.

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string          `xml:"name,attr"`
	Tests     int             `xml:"tests,attr"`
	Failures  int             `xml:"failures,attr"`
	Skipped   int             `xml:"skipped,attr"`
	Time      string          `xml:"time,attr"`
	Timestamp string          `xml:"timestamp,attr,omitempty"`
	Props     *junitProps     `xml:"properties,omitempty"`
	Cases     []junitTestCase `xml:"testcase"`
}

type junitProps struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *struct{}     `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func secs(msec int64) string { return fmt.Sprintf("%.3f", float64(msec)/1000) }

// WriteJUnit writes one testsuite per document, one testcase per step. A failing step
// is a <failure> carrying its findings' messages (type = the first failing code) and
// their fix steps; a skipped step is <skipped/>; warnings go to <system-out>. A run
// with certificate checks off gets a failing "TLS verification" testcase first.
func WriteJUnit(w io.Writer, docs []Document) error {
	var out junitSuites
	for _, d := range docs {
		name := "trustedapp-check"
		if d.Profile != nil && d.Profile.Name != "" {
			name = d.Profile.Name
		}
		s := junitSuite{Name: name, Time: secs(d.DurationMS)}
		if !d.StartedAt.IsZero() {
			s.Timestamp = d.StartedAt.UTC().Format("2006-01-02T15:04:05")
		}
		s.Props = &junitProps{Props: []junitProp{{"tool", d.Tool.Name + " " + d.Tool.Version}, {"verdict", string(d.Verdict)}}}
		if d.Profile != nil {
			s.Props.Props = append(s.Props.Props, junitProp{"instance", d.Profile.Instance}, junitProp{"client_id", d.Profile.ClientID})
			if len(d.Profile.ConfirmedHosts) > 0 {
				s.Props.Props = append(s.Props.Props, junitProp{"confirmed_hosts", strings.Join(d.Profile.ConfirmedHosts, " ")})
			}
		}
		if d.Session != nil {
			s.Props.Props = append(s.Props.Props, junitProp{"session", d.Session.State}, junitProp{"session_summary", d.Session.Summary})
		}
		s.Props.Props = append(s.Props.Props, kindProps(d)...)
		if d.Profile != nil && d.Profile.InsecureSkipVerify {
			// Certificate checks off is a failure for CI, whatever the steps say.
			s.Tests++
			s.Failures++
			x := guide.Explain(check.NetTLSInsecure, nil)
			s.Cases = append(s.Cases, junitTestCase{Name: "TLS verification", Classname: "trustedapp-check." + name + ".tls", Time: secs(0),
				Failure: &junitFailure{Message: check.NetTLSInsecure + ": " + tlsOffText(nil), Type: check.NetTLSInsecure, Text: strings.Join(append([]string{x.What}, x.Steps...), "\n")}})
		}
		for _, st := range d.Steps {
			tc := junitTestCase{Name: st.Name, Classname: "trustedapp-check." + name + "." + string(st.Kind), Time: secs(st.DurationMS)}
			var msgs, details, warns []string
			typ := ""
			for _, f := range st.Findings {
				switch f.Severity {
				case check.SevFail:
					if typ == "" {
						typ = f.Code
					}
					msgs = append(msgs, f.Code+": "+f.Message)
					details = append(details, f.Code+": "+f.Message)
					if x := f.Explanation; x != nil {
						details = append(details, "  "+x.What)
						for i, step := range x.Steps {
							details = append(details, fmt.Sprintf("  %d. %s", i+1, step))
						}
						if x.DocURL != "" {
							details = append(details, "  Docs: "+x.DocURL)
						}
					}
				case check.SevWarn:
					warns = append(warns, "WARN "+f.Code+": "+f.Message)
				}
			}
			switch st.Verdict {
			case check.Fail:
				s.Failures++
				if len(msgs) == 0 {
					msgs = []string{st.Summary}
					typ = "fail"
				}
				tc.Failure = &junitFailure{Message: strings.Join(msgs, "; "), Type: typ, Text: strings.Join(details, "\n")}
			case check.Skipped:
				s.Skipped++
				tc.Skipped = &struct{}{}
			}
			if len(warns) > 0 {
				tc.SystemOut = strings.Join(warns, "\n")
			}
			s.Tests++
			s.Cases = append(s.Cases, tc)
		}
		out.Suites = append(out.Suites, s)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	b.WriteByte('\n')
	sets := make([]*redact.Secrets, 0, len(docs))
	for _, d := range docs {
		sets = append(sets, d.known)
	}
	_, err := io.WriteString(w, redact.Text(redact.Merge(sets...).Replace(b.String())))
	return err
}
