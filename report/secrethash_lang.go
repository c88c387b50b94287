package report

import (
	"fmt"
	"regexp"
	"strings"

	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/sentence"
)

// The ApplicationSecretHash comparison's sentences (check.CompareSecretHash's Message:
// which slip made the hash wrong, and its fix) in a language, for the record checklist
// (RecordIn) in the CLI and the app. secrethash_lang_test.go makes every slip check
// knows and fails while one of them stays English.

// slipNames are check's names of the slips, by their English (lower case first, as
// check writes them; its message capitalises the first letter).
func slipNames(lang *i18n.Localizer) map[string]string {
	return map[string]string{
		"the profile's secret is the same text as ApplicationSecretHash: the profile holds the hash instead of the secret":                                  lang.X("report.slip.hash_as_secret", "the profile's secret is the same text as ApplicationSecretHash: the profile holds the hash instead of the secret"),
		"ApplicationSecretHash holds the secret itself, not its hash (so the secret is readable by anyone who can read the record)":                         lang.X("report.slip.plain_secret", "ApplicationSecretHash holds the secret itself, not its hash (so the secret is readable by anyone who can read the record)"),
		"the hash was made from the secret plus a trailing newline (echo adds one)":                                                                         lang.X("report.slip.trailing_newline", "the hash was made from the secret plus a trailing newline (echo adds one)"),
		"the hash was made from the secret plus a Windows line break (CRLF: a file saved in Notepad, or PowerShell output)":                                 lang.X("report.slip.crlf", "the hash was made from the secret plus a Windows line break (CRLF: a file saved in Notepad, or PowerShell output)"),
		"the hash was made from the secret plus a trailing space (copied with the space after it)":                                                          lang.X("report.slip.trailing_space", "the hash was made from the secret plus a trailing space (copied with the space after it)"),
		"the hash was made from the secret with a leading space (copied with the space before it)":                                                          lang.X("report.slip.leading_space", "the hash was made from the secret with a leading space (copied with the space before it)"),
		"the hash was made from the secret with spaces around it":                                                                                           lang.X("report.slip.spaces_around", "the hash was made from the secret with spaces around it"),
		"the hash was made from the secret plus a trailing tab":                                                                                             lang.X("report.slip.trailing_tab", "the hash was made from the secret plus a trailing tab"),
		"the hash was made from the secret plus a space and a newline":                                                                                      lang.X("report.slip.space_newline", "the hash was made from the secret plus a space and a newline"),
		"the hash was made from a file that starts with a UTF-8 byte-order mark (saved by Notepad)":                                                         lang.X("report.slip.bom", "the hash was made from a file that starts with a UTF-8 byte-order mark (saved by Notepad)"),
		"the hash was made from a file with a UTF-8 byte-order mark and a Windows line break (saved by Notepad)":                                            lang.X("report.slip.bom_crlf", "the hash was made from a file with a UTF-8 byte-order mark and a Windows line break (saved by Notepad)"),
		"the profile's secret has a space or line break around it that the record's secret has not (the token request sends it)":                            lang.X("report.slip.profile_whitespace", "the profile's secret has a space or line break around it that the record's secret has not (the token request sends it)"),
		"the hash is written in hex instead of base64 (sha256sum, Get-FileHash or openssl dgst without -binary)":                                            lang.X("report.slip.hex", "the hash is written in hex instead of base64 (sha256sum, Get-FileHash or openssl dgst without -binary)"),
		"the hash is written in hex instead of base64, and was made from the secret plus a trailing newline (echo SECRET | sha256sum)":                      lang.X("report.slip.hex_newline", "the hash is written in hex instead of base64, and was made from the secret plus a trailing newline (echo SECRET | sha256sum)"),
		"the hash is written in hex instead of base64, and was made from the secret plus a Windows line break":                                              lang.X("report.slip.hex_crlf", "the hash is written in hex instead of base64, and was made from the secret plus a Windows line break"),
		"the hash is the base64 of the hex text, not of the digest (openssl dgst -sha256 without -binary, piped to base64)":                                 lang.X("report.slip.base64_of_hex", "the hash is the base64 of the hex text, not of the digest (openssl dgst -sha256 without -binary, piped to base64)"),
		"the hash is in base64url (- and _ instead of + and /) instead of standard base64":                                                                  lang.X("report.slip.base64url", "the hash is in base64url (- and _ instead of + and /) instead of standard base64"),
		"the hash lacks its trailing '=' (base64 padding was dropped)":                                                                                      lang.X("report.slip.unpadded", "the hash lacks its trailing '=' (base64 padding was dropped)"),
		"ApplicationSecretHash has a space or line break around the right hash (pasted with it)":                                                            lang.X("report.slip.hash_whitespace", "ApplicationSecretHash has a space or line break around the right hash (pasted with it)"),
		"ApplicationSecretHash is the right hash with letters in the wrong case (base64 is case-sensitive)":                                                 lang.X("report.slip.hash_case", "ApplicationSecretHash is the right hash with letters in the wrong case (base64 is case-sensitive)"),
		"the hash was made from the secret's UTF-16 bytes (.NET Encoding.Unicode) instead of UTF-8":                                                         lang.X("report.slip.utf16", "the hash was made from the secret's UTF-16 bytes (.NET Encoding.Unicode) instead of UTF-8"),
		"the hash was made from a file Windows PowerShell wrote (Out-File or >: UTF-16 with a byte-order mark and a line break), as Get-FileHash hashes it": lang.X("report.slip.utf16_file", "the hash was made from a file Windows PowerShell wrote (Out-File or >: UTF-16 with a byte-order mark and a line break), as Get-FileHash hashes it"),
	}
}

// slipSentences are check's whole fixes and messages on the comparison, by their English.
func slipSentences(lang *i18n.Localizer) map[string]string {
	return map[string]string{
		"Put the secret itself in the profile (trustedapp-check profiles set-secret NAME); the record keeps the hash.":                     lang.X("report.slip.fix_hash_as_secret", "Put the secret itself in the profile (trustedapp-check profiles set-secret NAME); the record keeps the hash."),
		"Set the profile's secret again without it (trustedapp-check profiles set-secret NAME strips one trailing line break from stdin).": lang.X("report.slip.fix_profile_whitespace", "Set the profile's secret again without it (trustedapp-check profiles set-secret NAME strips one trailing line break from stdin)."),
		"Remove the space or line break around the hash in ApplicationSecretHash.":                                                         lang.X("report.slip.fix_hash_whitespace", "Remove the space or line break around the hash in ApplicationSecretHash."),
		"ApplicationSecretHash holds the hash of the profile's secret.":                                                                    lang.X("report.slip.match", "ApplicationSecretHash holds the hash of the profile's secret."),
		" The profile's secret itself looks like a hash (44 characters of base64): the profile needs the secret, not its hash.":            lang.X("report.slip.looks_like_hash", " The profile's secret itself looks like a hash (44 characters of base64): the profile needs the secret, not its hash."),
	}
}

var (
	slipOtherAlgorithm = regexp.MustCompile(`^the hash was made with (\S+) instead of SHA-256$`)
	slipPlainFix       = regexp.MustCompile(`^Put (\S+) in ApplicationSecretHash, and make a new secret: this one was stored in clear text \(trustedapp-check secret new\)\.$`)
	slipFix            = regexp.MustCompile(`^Put (\S+) in ApplicationSecretHash\. This tool computes it \(trustedapp-check secret hash\), and so does this line in (a shell|PowerShell), with the secret in place of SECRET: (.*)$`)
	slipOtherSecret    = regexp.MustCompile(`^ApplicationSecretHash holds the hash of another secret: the secret was rotated \(or deleted and made again\), or this profile holds another app's secret\. Put the app's current secret in the profile, or, if the profile's secret is the right one, put (\S+) in ApplicationSecretHash\.(.*)$`)
	slipNotAHash       = regexp.MustCompile(`^ The field does not even hold a base64 SHA-256 \(44 characters ending in '='; it holds (\d+) characters\): it was filled in by hand or with another tool\.$`)
)

// secretHashIn says one of check's ApplicationSecretHash messages in lang; ok is false
// for a text that is not one.
func secretHashIn(lang *i18n.Localizer, s string) (string, bool) {
	sentences := slipSentences(lang)
	if t, ok := sentences[s]; ok {
		return t, true
	}
	if m := slipOtherSecret.FindStringSubmatch(s); m != nil {
		out := fmt.Sprintf(lang.X("report.slip.other_secret", "ApplicationSecretHash holds the hash of another secret: the secret was rotated (or deleted and made again), or this profile holds another app's secret. Put the app's current secret in the profile, or, if the profile's secret is the right one, put %s in ApplicationSecretHash."), m[1])
		switch rest := m[2]; {
		case rest == "":
		case sentences[rest] != "":
			out += sentences[rest]
		case slipNotAHash.MatchString(rest):
			out += fmt.Sprintf(lang.X("report.slip.not_a_hash", " The field does not even hold a base64 SHA-256 (44 characters ending in '='; it holds %s characters): it was filled in by hand or with another tool."), slipNotAHash.FindStringSubmatch(rest)[1])
		default:
			return s, false
		}
		return out, true
	}
	// A slip: its name, capitalised, then its fix.
	for en, said := range slipNames(lang) {
		if name := sentence.Capitalize(en) + ". "; strings.HasPrefix(s, name) {
			if fix, ok := slipFixIn(lang, sentences, strings.TrimPrefix(s, name)); ok {
				return sentence.Capitalize(said) + ". " + fix, true
			}
		}
	}
	if i := strings.Index(s, ". "); i > 0 {
		if m := slipOtherAlgorithm.FindStringSubmatch(strings.ToLower(s[:1]) + s[1:i]); m != nil {
			if fix, ok := slipFixIn(lang, sentences, s[i+2:]); ok {
				return sentence.Capitalize(fmt.Sprintf(lang.X("report.slip.other_algorithm", "the hash was made with %s instead of SHA-256"), m[1])) + ". " + fix, true
			}
		}
	}
	return s, false
}

// slipFixIn says a slip's fix in lang (sentences: slipSentences(lang)).
func slipFixIn(lang *i18n.Localizer, sentences map[string]string, s string) (string, bool) {
	if t, ok := sentences[s]; ok {
		return t, true
	}
	if m := slipPlainFix.FindStringSubmatch(s); m != nil {
		return fmt.Sprintf(lang.X("report.slip.fix_plain_secret", "Put %s in ApplicationSecretHash, and make a new secret: this one was stored in clear text (trustedapp-check secret new)."), m[1]), true
	}
	if m := slipFix.FindStringSubmatch(s); m != nil {
		shell := m[2]
		if shell == "a shell" {
			shell = lang.X("report.slip.a_shell", "a shell")
		}
		return fmt.Sprintf(lang.X("report.slip.fix", "Put %s in ApplicationSecretHash. This tool computes it (trustedapp-check secret hash), and so does this line in %s, with the secret in place of SECRET: %s"), m[1], shell, m[3]), true
	}
	return s, false
}
