package explain

import "trustedapp-tester/internal/redact"

// Redact removes every secret, token, password, Basic or Bearer credential and JWT
// from pasted text, before it is parsed, shown, saved or reported, and returns how
// many it removed. The rules are internal/redact's (Pasted), shared with the engine,
// the reports and the audit log.
func Redact(s string) (string, int) { return redact.Pasted(s) }
