package sandbox

// A small OData $filter parser shared by the Domain API and the Table API.
//
// Grammar (operators and function names case-insensitive, property names exact):
//
//	expr    = and { "or" and }
//	and     = unary { "and" unary }
//	unary   = "not" unary | primary
//	primary = "(" expr ")"
//	        | ("contains" | "startswith" | "endswith") "(" Property "," 'text' ")"
//	        | Property ("eq"|"ne"|"gt"|"ge"|"lt"|"le") literal
//	        | Property "in" "(" literal { "," literal } ")"
//	literal = 'text' ('' escapes a quote) | number | true | false | null
//	        | 2025-03-14 | 2025-03-14T09:30:00Z | GUID
//
// Comparisons are typed by the property: text compares ordinally (case-sensitive),
// numbers numerically, dates and times as instants, GUIDs case-insensitively (eq/ne/in
// only), booleans with eq/ne/in only. A null value equals only null: "ne" matches it,
// the ordering operators and the functions never do (two-valued logic, so "not"
// is the exact complement).

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"
)

// maxFilterDepth bounds nesting (parentheses and not) so a hostile $filter cannot
// exhaust the stack.
const maxFilterDepth = 64

type filterTokKind int

const (
	ftEOF filterTokKind = iota
	ftLParen
	ftRParen
	ftComma
	ftString // 'text', unescaped
	ftWord   // an identifier, operator, number, date, GUID, true, false or null
)

type filterTok struct {
	kind filterTokKind
	text string
	pos  int // 1-based character position in the $filter
}

func (t filterTok) String() string {
	switch t.kind {
	case ftEOF:
		return "the end of the filter"
	case ftString:
		return "'" + strings.ReplaceAll(t.text, "'", "''") + "'"
	}
	return "'" + t.text + "'"
}

// filterError is a $filter the sandbox cannot run; its message becomes the 400 body.
type filterError struct{ msg string }

func (e *filterError) Error() string { return e.msg }

func filterErrAt(t filterTok, format string, args ...any) error {
	return &filterError{fmt.Sprintf("The $filter is not valid at position %d: ", t.pos) + fmt.Sprintf(format, args...)}
}

// lexFilter splits a $filter into tokens. Positions count characters (runes), 1-based.
func lexFilter(s string) ([]filterTok, error) {
	var toks []filterTok
	rs := []rune(s)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '(':
			toks = append(toks, filterTok{ftLParen, "(", i + 1})
			i++
		case c == ')':
			toks = append(toks, filterTok{ftRParen, ")", i + 1})
			i++
		case c == ',':
			toks = append(toks, filterTok{ftComma, ",", i + 1})
			i++
		case c == '\'':
			start := i
			var b strings.Builder
			i++
			closed := false
			for i < len(rs) {
				if rs[i] == '\'' {
					if i+1 < len(rs) && rs[i+1] == '\'' {
						b.WriteRune('\'')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteRune(rs[i])
				i++
			}
			if !closed {
				return nil, &filterError{fmt.Sprintf("The $filter is not valid at position %d: the text literal is not closed; write text as 'text' and a quote inside it as ''", start+1)}
			}
			toks = append(toks, filterTok{ftString, b.String(), start + 1})
		default:
			start := i
			for i < len(rs) && !strings.ContainsRune(" \t\r\n(),'", rs[i]) {
				i++
			}
			toks = append(toks, filterTok{ftWord, string(rs[start:i]), start + 1})
		}
	}
	return append(toks, filterTok{ftEOF, "", len(rs) + 1}), nil
}

type filterParser struct {
	set   *entitySet
	toks  []filterTok
	i     int
	depth int
}

func (p *filterParser) peek() filterTok { return p.toks[p.i] }

func (p *filterParser) next() filterTok {
	t := p.toks[p.i]
	if t.kind != ftEOF {
		p.i++
	}
	return t
}

// keyword reports whether the next token is the word kw (case-insensitive) and
// consumes it when it is.
func (p *filterParser) keyword(kw string) bool {
	if t := p.peek(); t.kind == ftWord && strings.EqualFold(t.text, kw) {
		p.i++
		return true
	}
	return false
}

func (p *filterParser) expect(kind filterTokKind, what string) (filterTok, error) {
	t := p.next()
	if t.kind != kind {
		return t, filterErrAt(t, "expected %s, got %s", what, t)
	}
	return t, nil
}

// parseFilter compiles a $filter for a set into a row predicate. An empty filter
// matches every row. Errors are *filterError with a message for the client.
func parseFilter(set *entitySet, s string) (func(row) bool, error) {
	if strings.TrimSpace(s) == "" {
		return func(row) bool { return true }, nil
	}
	toks, err := lexFilter(s)
	if err != nil {
		return nil, err
	}
	p := &filterParser{set: set, toks: toks}
	f, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != ftEOF {
		return nil, filterErrAt(t, "unexpected %s after a complete condition; join conditions with and / or", t)
	}
	return f, nil
}

func (p *filterParser) or() (func(row) bool, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.keyword("or") {
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(r row) bool { return l(r) || right(r) }
	}
	return left, nil
}

func (p *filterParser) and() (func(row) bool, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.keyword("and") {
		right, err := p.unary()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(r row) bool { return l(r) && right(r) }
	}
	return left, nil
}

func (p *filterParser) enter() error {
	p.depth++
	if p.depth > maxFilterDepth {
		return filterErrAt(p.peek(), "the conditions are nested more than %d levels deep", maxFilterDepth)
	}
	return nil
}

func (p *filterParser) unary() (func(row) bool, error) {
	if p.keyword("not") {
		if err := p.enter(); err != nil {
			return nil, err
		}
		f, err := p.unary()
		p.depth--
		if err != nil {
			return nil, err
		}
		return func(r row) bool { return !f(r) }, nil
	}
	return p.primary()
}

var (
	identRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	numberRE = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]{1,3})?$`)
	dateRE   = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

var (
	filterFuncs    = []string{"contains", "startswith", "endswith"}
	filterKeywords = []string{"and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le", "in", "null", "true", "false"}
)

func (p *filterParser) primary() (func(row) bool, error) {
	t := p.peek()
	switch t.kind {
	case ftLParen:
		p.next()
		if err := p.enter(); err != nil {
			return nil, err
		}
		f, err := p.or()
		p.depth--
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(ftRParen, "')' to close the '(' at position "+fmt.Sprint(t.pos)); err != nil {
			return nil, err
		}
		return f, nil
	case ftWord:
	default:
		return nil, filterErrAt(t, "expected a condition such as Name eq 'text', got %s", t)
	}
	p.next()
	if p.peek().kind == ftLParen {
		return p.function(t)
	}
	if _, isProp := p.set.prop(t.text); !isProp && contains(filterKeywords, strings.ToLower(t.text)) {
		return nil, filterErrAt(t, "expected a condition such as Name eq 'text', got %s", t)
	}
	prop, err := p.property(t)
	if err != nil {
		return nil, err
	}
	opTok := p.next()
	op := strings.ToLower(opTok.text)
	if opTok.kind != ftWord {
		op = ""
	}
	if err := p.allowed(prop, op, opTok); err != nil {
		return nil, err
	}
	switch op {
	case "eq", "ne", "gt", "ge", "lt", "le":
		lit, err := p.literal(prop)
		if err != nil {
			return nil, err
		}
		return compare(prop, op, opTok, lit)
	case "in":
		open, err := p.expect(ftLParen, "'(' and a list of values after in, e.g. in ('a','b')")
		if err != nil {
			return nil, err
		}
		var alts []func(row) bool
		for {
			lit, err := p.literal(prop)
			if err != nil {
				return nil, err
			}
			f, err := compare(prop, "eq", opTok, lit)
			if err != nil {
				return nil, err
			}
			alts = append(alts, f)
			sep := p.next()
			if sep.kind == ftRParen {
				break
			}
			if sep.kind != ftComma {
				return nil, filterErrAt(sep, "expected ',' or ')' in the list opened at position %d, got %s", open.pos, sep)
			}
		}
		return func(r row) bool {
			for _, f := range alts {
				if f(r) {
					return true
				}
			}
			return false
		}, nil
	}
	return nil, filterErrAt(opTok, "expected an operator after %s (eq, ne, gt, ge, lt, le or in), got %s", t, opTok)
}

// allowed checks an operator (eq, gt, in, or a function name) against what the model
// lets $filter do with the attribute; the Table API's raw tables allow everything.
func (p *filterParser) allowed(pr prop, op string, at filterTok) error {
	if !p.set.model {
		return nil
	}
	var need filterCaps
	switch op {
	case "eq", "ne":
		need = fEq
	case "gt", "ge", "lt", "le":
		need = fRange
	case "in":
		need = fIn
	case "contains", "startswith", "endswith":
		need = fLike
	default:
		return nil // not an operator: the caller reports it
	}
	if pr.kind == kMLString && op != "contains" && pr.filters != 0 {
		return filterErrAt(at, "%s is a multi-language string: the Domain API supports only contains(%s,'text') on it, not %s", pr.name, pr.name, op)
	}
	if pr.filters == 0 {
		return filterErrAt(at, "%s cannot be filtered: the model marks %s.%s NotFilterable", pr.name, p.set.entity, pr.name)
	}
	if pr.filters&need == 0 {
		return filterErrAt(at, "%s cannot be filtered with %s: the model allows only %s on %s.%s", pr.name, op, pr.filters, p.set.entity, pr.name)
	}
	return nil
}

// property resolves a property name of the set.
func (p *filterParser) property(t filterTok) (prop, error) {
	if pr, ok := p.set.prop(t.text); ok {
		return pr, nil
	}
	switch {
	case strings.Contains(t.text, "/"):
		return prop{}, filterErrAt(t, "the path '%s' goes through a reference; the sandbox filters only on the set's own properties (%s)", t.text, propNames(p.set))
	case !identRE.MatchString(t.text):
		return prop{}, filterErrAt(t, "expected a property name, got %s; quote text as 'text'", t)
	}
	return prop{}, &filterError{fmt.Sprintf("Could not find a property named '%s' on type '%s' ($filter). Properties: %s.", t.text, p.set.typeName, propNames(p.set))}
}

// function parses contains/startswith/endswith(Property, 'text'); name is already
// consumed and '(' is next.
func (p *filterParser) function(name filterTok) (func(row) bool, error) {
	fn := strings.ToLower(name.text)
	if !contains(filterFuncs, fn) {
		return nil, filterErrAt(name, "the function '%s' is not supported (supported: %s)", name.text, strings.Join(filterFuncs, ", "))
	}
	p.next() // (
	pt, err := p.expect(ftWord, "a property name as the first argument of "+fn)
	if err != nil {
		return nil, err
	}
	prop, err := p.property(pt)
	if err != nil {
		return nil, err
	}
	if err := p.allowed(prop, fn, name); err != nil {
		return nil, err
	}
	if prop.kind != kString && prop.kind != kMLString {
		return nil, filterErrAt(pt, "%s works on text, but %s is %s", fn, prop.name, prop.kind)
	}
	if _, err := p.expect(ftComma, "',' between the arguments of "+fn); err != nil {
		return nil, err
	}
	arg, err := p.expect(ftString, "a text literal such as 'abc' as the second argument of "+fn)
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(ftRParen, "')' to close "+fn); err != nil {
		return nil, err
	}
	test := map[string]func(string, string) bool{
		"contains": strings.Contains, "startswith": strings.HasPrefix, "endswith": strings.HasSuffix,
	}[fn]
	needle := arg.text
	return func(r row) bool {
		for _, s := range textsOf(r[prop.name]) {
			if test(s, needle) {
				return true
			}
		}
		return false
	}, nil
}

// filterLit is a literal converted to the property's type.
type filterLit struct {
	tok  filterTok
	null bool
	str  string    // kString; kGUID (lower-case)
	num  *big.Rat  // kInt, kNumber
	t    time.Time // kDate, kDateTime
	b    bool      // kBool
}

// literal reads one literal and converts it to prop's type.
func (p *filterParser) literal(pr prop) (filterLit, error) {
	t := p.next()
	lit := filterLit{tok: t}
	if t.kind != ftString && t.kind != ftWord {
		return lit, filterErrAt(t, "expected a value to compare %s with, got %s", pr.name, t)
	}
	word := t.kind == ftWord
	if word && strings.EqualFold(t.text, "null") {
		lit.null = true
		return lit, nil
	}
	wrong := func(example string) (filterLit, error) {
		return lit, filterErrAt(t, "%s is not a valid %s value for %s; write it like %s", t, pr.kind, pr.name, example)
	}
	if word && !strings.EqualFold(t.text, "true") && !strings.EqualFold(t.text, "false") &&
		!numberRE.MatchString(t.text) && !guidRE.MatchString(t.text) && !dateRE.MatchString(t.text) {
		if _, err := time.Parse(time.RFC3339, t.text); err != nil {
			if _, ok := p.set.prop(t.text); ok {
				return lit, filterErrAt(t, "%s compares two properties; the sandbox compares a property with a value", t)
			}
			return lit, filterErrAt(t, "%s is not a value: quote text as 'text'", t)
		}
	}
	switch pr.kind {
	case kString:
		if word {
			return wrong("'text' (in quotes)")
		}
		lit.str = t.text
	case kGUID:
		if !guidRE.MatchString(t.text) {
			return wrong("3f2c8a9e-6b1d-4e7a-9c55-0d1e2f3a4b5c")
		}
		lit.str = strings.ToLower(t.text)
	case kBool:
		if !word || (!strings.EqualFold(t.text, "true") && !strings.EqualFold(t.text, "false")) {
			return wrong("true or false (no quotes)")
		}
		lit.b = strings.EqualFold(t.text, "true")
	case kInt, kNumber:
		n, ok := new(big.Rat).SetString(t.text)
		if !word || !numberRE.MatchString(t.text) || !ok {
			return wrong("42 or 12.5 (no quotes)")
		}
		lit.num = n
	case kDate, kDateTime:
		tm, ok := parseFilterTime(t.text)
		if !ok {
			return wrong("2025-03-14 or 2025-03-14T09:30:00Z")
		}
		lit.t = tm
	default:
		return lit, filterErrAt(t, "%s cannot be filtered on", pr.name)
	}
	return lit, nil
}

func parseFilterTime(s string) (time.Time, bool) {
	if dateRE.MatchString(s) {
		t, err := time.Parse(time.DateOnly, s)
		return t, err == nil
	}
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// compare builds the predicate Property op literal.
func compare(pr prop, op string, opTok filterTok, lit filterLit) (func(row) bool, error) {
	ordering := op != "eq" && op != "ne"
	if ordering && lit.null {
		return nil, filterErrAt(lit.tok, "null can only be compared with eq or ne, not %s", op)
	}
	if ordering && (pr.kind == kGUID || pr.kind == kBool) {
		return nil, filterErrAt(opTok, "%s is %s, which supports only eq, ne and in, not %s", pr.name, pr.kind, op)
	}
	name := pr.name
	// cmp orders a non-null row value against the literal; ok is false when the row
	// value cannot be read as the property's type.
	cmp := func(v any) (int, bool) {
		switch pr.kind {
		case kString:
			s, ok := v.(string)
			return strings.Compare(s, lit.str), ok
		case kGUID:
			s, ok := v.(string)
			if strings.EqualFold(s, lit.str) {
				return 0, ok
			}
			return 1, ok
		case kBool:
			b, ok := v.(bool)
			if b == lit.b {
				return 0, ok
			}
			return 1, ok
		case kInt, kNumber:
			n, ok := v.(json.Number)
			r, ok2 := new(big.Rat).SetString(string(n))
			if !ok || !ok2 {
				return 0, false
			}
			return r.Cmp(lit.num), true
		case kDate, kDateTime:
			s, _ := v.(string)
			t, ok := parseFilterTime(s)
			return t.Compare(lit.t), ok
		}
		return 0, false
	}
	return func(r row) bool {
		v := r[name]
		if v == nil || lit.null {
			same := v == nil && lit.null
			switch op {
			case "eq":
				return same
			case "ne":
				return !same
			}
			return false
		}
		c, ok := cmp(v)
		if !ok {
			return op == "ne"
		}
		switch op {
		case "eq":
			return c == 0
		case "ne":
			return c != 0
		case "gt":
			return c > 0
		case "ge":
			return c >= 0
		case "lt":
			return c < 0
		default: // le
			return c <= 0
		}
	}, nil
}
