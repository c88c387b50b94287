// Package guide turns finding codes from check into explanations an administrator can
// act on: what happened, why, which Trusted App fields or profile settings to check,
// numbered fix steps, how to confirm the fix and the ERP.net docs page. It imports
// nothing of ours: codes and evidence keys are plain strings (the contract is
// check/codes.go).
package guide

// Field is one place to look, by its documented name.
type Field struct {
	// Where is "Trusted App", "System User", "Profile", "Instance" or "Network".
	Where string `json:"where"`
	// Name is the documented field name, e.g. "SystemUserAllowed", "Scope", "client_id".
	Name string `json:"name"`
	// Expect says what it should be, e.g. "true", "Confidential", "contains update".
	Expect string `json:"expect,omitempty"`
}

// Explanation is what the user reads for one finding, about this case.
type Explanation struct {
	Code    string   `json:"code"`
	Title   string   `json:"title"`             // one line
	What    string   `json:"what"`              // what happened, in plain words, with the evidence
	Causes  []string `json:"causes,omitempty"`  // likely causes, most likely first
	Fields  []Field  `json:"fields,omitempty"`  // what to check
	Steps   []string `json:"steps,omitempty"`   // numbered fix steps
	Confirm string   `json:"confirm,omitempty"` // how to confirm the fix in this tool
	DocURL  string   `json:"doc_url,omitempty"` // public ERP.net docs page
	// Generic is true when the code is unknown and this is the fallback text.
	Generic bool `json:"generic,omitempty"`
}

// Explain returns the explanation for a finding code and its evidence.
// (Placeholder: the catalogue is being written.)
func Explain(code string, evidence map[string]string) Explanation {
	return Explanation{Code: code, Title: code, Generic: true}
}

// Has reports whether the catalogue has an entry for code.
func Has(code string) bool { return false }
