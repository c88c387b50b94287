package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// matches runs a filter over a set and returns the indices of the matching rows.
func matches(t *testing.T, set *entitySet, filter string) []int {
	t.Helper()
	f, err := parseFilter(set, filter)
	if err != nil {
		t.Fatalf("%s: %v", filter, err)
	}
	out := []int{}
	for i, rw := range set.rows {
		if f(rw) {
			out = append(out, i)
		}
	}
	return out
}

// plainCustomers is a set described by no model (so every operator is allowed, as on
// the Table API) with text, decimal, integer, date and GUID columns: the parser's own
// semantics are tested on it; the model sets' limits are tested separately.
func plainCustomers() *entitySet {
	set := &entitySet{name: "Plain", typeName: "Crm_Sales_Customer", entity: "Plain",
		props: []prop{{name: "Id", kind: kGUID}, {name: "Number", kind: kString}, {name: "Name", kind: kString},
			{name: "Active", kind: kBool}, {name: "CreditLimit", kind: kNumber}, {name: "GracePeriodDays", kind: kInt},
			{name: "CreationTimeUtc", kind: kDateTime}, {name: "Notes", kind: kString}}}
	base := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	for i := range 12 {
		set.rows = append(set.rows, row{"Id": CustomerID(i), "Number": fmt.Sprintf("C%05d", 1001+i), "Name": fmt.Sprintf("Customer %c", 'A'+i),
			"Active": i%5 != 4, "CreditLimit": json.Number(strconv.Itoa(5000 * (i%4 + 1))), "GracePeriodDays": json.Number(strconv.Itoa(15 * (i%3 + 1))),
			"CreationTimeUtc": base.Add(time.Duration(i) * 37 * time.Hour).Format(time.RFC3339), "Notes": nil})
	}
	return set
}

func TestFilterSemantics(t *testing.T) {
	docs := seedTables()["Gen_Documents"]
	data := seedData()
	customers, products := plainCustomers(), data["General_Products_Products"]
	real := data["Crm_Sales_Customers"]
	quoted := &entitySet{name: "Q", typeName: "Q", props: []prop{{name: "Id", kind: kGUID}, {name: "Name", kind: kString}},
		rows: []row{{"Id": CustomerID(0), "Name": "O'Brien"}, {"Id": CustomerID(1), "Name": "OBrien"}}}
	upperID := strings.ToUpper(documentID(4))
	tests := []struct {
		set    *entitySet
		filter string
		want   string // matching row indices
	}{
		// The Table API docs' own examples.
		{docs, "Void eq false and State ge 30", "0 1 3 4 7 8 10 11"},
		{docs, "Void eq false and State ge 30 and (Entity_Name eq 'Crm_Sales_Orders' or Entity_Name eq 'Inv_Transactions')", "0 1 3 4 7 8 10 11"},
		{docs, "Entity_Name in ('Inv_Transactions','Nope')", "2 5 8 11"},
		{docs, "Document_Date ge 2025-03-01T00:00:00Z and Document_Date le 2025-03-15T00:00:00Z", "0 1 2 3"},
		// Every comparison operator on numbers, dates, times and text.
		{docs, "State gt 30", "1 4 7 11"},
		{docs, "State lt 30", "2 6 9"},
		{docs, "State le 20", "2 6 9"},
		{docs, "State ne 30", "1 2 4 6 7 9 11"},
		{docs, "State eq 30.0", "0 3 5 8 10"},
		{docs, "Document_Date ge 2025-04-01", "8 9 10 11"},
		{docs, "Document_Date lt 2025-03-15", "0 1 2"},
		{docs, "Document_Date eq '2025-03-07'", "1"},
		{docs, "Creation_Time gt 2025-04-16T00:00:00Z", "11"},
		{docs, "Creation_Time le 2025-03-03T10:15:00+02:00", "0"},
		{docs, "Notes ge 'Q'", "1 5 8"},
		{docs, "Document_No le 'SO00101'", "0 2 5 8 11"},
		// and binds tighter than or; parentheses; not; keywords in any case.
		{docs, "Entity_Name eq 'Inv_Transactions' or State eq 50", "2 4 5 8 11"},
		{docs, "Creation_User eq 'admin' and State eq 40 or Void eq true", "5 7 11"},
		{docs, "Creation_User eq 'admin' and (State eq 40 or Void eq true)", "7 11"},
		{docs, "not (State ge 30)", "2 6 9"},
		{docs, "not contains(Notes,'Urgent')", "0 2 3 4 5 6 7 9 10 11"},
		{docs, "State GE 30 AND Void EQ false", "0 1 3 4 7 8 10 11"}, // property names stay exact: see TestFilterErrors
		{docs, "((State eq 0))", "2 9"},
		// Functions.
		{docs, "contains(Notes,'Urgent')", "1 8"},
		{docs, "startswith(Document_No,'IT')", "2 5 8 11"},
		{docs, "endswith(Document_No,'01')", "0"},
		{docs, "contains(Notes,'urgent')", ""}, // case-sensitive, like the OData functions
		// null: eq/ne only; a null never matches an ordering or a function.
		{docs, "Notes eq null", "0 2 4 6 7 9 11"},
		{docs, "Notes ne null", "1 3 5 8 10"},
		{docs, "Notes ne 'Urgent'", "0 1 2 3 4 5 6 7 9 10 11"},
		{docs, "Notes lt 'Z'", "1 3 5 8 10"},
		// GUIDs: bare or quoted, any case.
		{docs, "Id eq " + upperID, "4"},
		{docs, "Id eq '" + documentID(4) + "'", "4"},
		{docs, "Id ne " + documentID(4) + " and State eq 50", ""},
		{docs, "Void eq true", "5"},
		// The Domain API's sets.
		{customers, "CreditLimit ge 15000", "2 3 6 7 10 11"},
		{customers, "GracePeriodDays lt 30 and Active eq true", "0 3 6"},
		{customers, "CreationTimeUtc lt 2025-03-16T00:00:00Z", "0 1"},
		{customers, "Number eq 'C01003'", "2"},
		{customers, "", "0 1 2 3 4 5 6 7 8 9 10 11"},
		{customers, "  ", "0 1 2 3 4 5 6 7 8 9 10 11"},
		// The model sets, with what their attributes allow.
		{real, "Number eq 'C01003'", "2"},
		{real, "startswith(Number,'C0101')", "9 10 11"},
		{real, "Active eq true and AllowUseAsPrimaryCustomer eq true", "0 3 6"},
		{real, "CreationTime lt 2025-03-16T00:00:00Z", "0 1"},
		{real, "Id in (" + CustomerID(1) + "," + CustomerID(5) + ")", "1 5"},
		{products, "contains(Name,'paper')", "0"},
		{products, "contains(Name,'Paper')", ""},
		{products, "contains(ShortName,'A')", "0 10"},
		{products, "PartNumber in ('P-0100','P-0102')", "0 2"},
		{products, "IsFeatured eq true", "0 5 10"},
		// '' escapes a quote.
		{quoted, "Name eq 'O''Brien'", "0"},
		{quoted, "contains(Name,'''')", "0"},
	}
	for _, tc := range tests {
		if got := strconvInts(matches(t, tc.set, tc.filter)); got != tc.want {
			t.Errorf("%s on %s: rows [%s], want [%s]", tc.filter, tc.set.name, got, tc.want)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	docs := seedTables()["Gen_Documents"]
	customers := plainCustomers()
	data := seedData()
	real, products, apps := data["Crm_Sales_Customers"], data["General_Products_Products"], data["Systems_Security_TrustedApplications"]
	tests := []struct {
		set          *entitySet
		filter, want string
	}{
		{customers, "Name eq", "The $filter is not valid at position 8: expected a value to compare Name with, got the end of the filter"},
		{customers, "Name eq 'abc", "position 9: the text literal is not closed; write text as 'text' and a quote inside it as ''"},
		{customers, "Name has 'A'", "position 6: expected an operator after 'Name' (eq, ne, gt, ge, lt, le or in), got 'has'"},
		{customers, "Colour eq 'red'", "Could not find a property named 'Colour' on type 'Crm_Sales_Customer' ($filter). Properties: Id, Number"},
		{docs, "STATE GE 30", "Could not find a property named 'STATE' on type 'Gen_Document'"},
		{customers, "Name eq Acme", "position 9: 'Acme' is not a value: quote text as 'text'"},
		{customers, "Name eq Number", "'Number' compares two properties; the sandbox compares a property with a value"},
		{customers, "Name eq 'a' and", "expected a condition such as Name eq 'text', got the end of the filter"},
		{customers, "Name eq 'a' or or", "position 16: expected a condition such as Name eq 'text', got 'or'"},
		{customers, "(Name eq 'a'", "expected ')' to close the '(' at position 1, got the end of the filter"},
		{customers, "Name eq 'a')", "position 12: unexpected ')' after a complete condition; join conditions with and / or"},
		{customers, "Name eq 'a' Name eq 'b'", "unexpected 'Name' after a complete condition"},
		{customers, ",", "expected a condition such as Name eq 'text', got ','"},
		{customers, "tolower(Name) eq 'a'", "the function 'tolower' is not supported (supported: contains, startswith, endswith)"},
		{customers, "contains(CreditLimit,'5')", "contains works on text, but CreditLimit is Edm.Decimal"},
		{customers, "contains(Name,Acme)", "expected a text literal such as 'abc' as the second argument of contains, got 'Acme'"},
		{customers, "contains(Name 'A')", "expected ',' between the arguments of contains"},
		{customers, "startswith(Name,'A'", "expected ')' to close startswith"},
		{customers, "CreditLimit gt '5'", "'5' is not a valid Edm.Decimal value for CreditLimit; write it like 42 or 12.5 (no quotes)"},
		{customers, "CreditLimit gt 1e9999", "'1e9999' is not a value"},
		{customers, "Name eq 42", "'42' is not a valid Edm.String value for Name; write it like 'text' (in quotes)"},
		{customers, "Active gt true", "Active is Edm.Boolean, which supports only eq, ne and in, not gt"},
		{customers, "Active eq 'yes'", "'yes' is not a valid Edm.Boolean value for Active; write it like true or false (no quotes)"},
		{customers, "Id lt " + CustomerID(0), "Id is Edm.Guid, which supports only eq, ne and in, not lt"},
		{customers, "Id eq 'not-a-guid'", "'not-a-guid' is not a valid Edm.Guid value for Id"},
		{customers, "Notes lt null", "null can only be compared with eq or ne, not lt"},
		{customers, "CreationTimeUtc gt 2025-13-45", "'2025-13-45' is not a valid Edm.DateTimeOffset value for CreationTimeUtc; write it like 2025-03-14 or 2025-03-14T09:30:00Z"},
		{docs, "Document_Reference/Void eq false", "the path 'Document_Reference/Void' goes through a reference; the sandbox filters only on the set's own properties"},
		{docs, "State in 30", "expected '(' and a list of values after in, e.g. in ('a','b'), got '30'"},
		{docs, "State in (30 40)", "expected ',' or ')' in the list opened at position 10, got '40'"},
		{docs, "State in (30, 'x')", "'x' is not a valid Edm.Int32 value for State"},
		{docs, "Creation_User like 'adm%'", "expected an operator after 'Creation_User' (eq, ne, gt, ge, lt, le or in), got 'like'"},
		{docs, "State eq 1 && Void eq false", "unexpected '&&' after a complete condition"},
		{docs, strings.Repeat("(", 65) + "State eq 1" + strings.Repeat(")", 65), "the conditions are nested more than 64 levels deep"},
		{docs, strings.Repeat("not ", 65) + "State eq 1", "the conditions are nested more than 64 levels deep"},
		{docs, "€ eq 1", "position 1: expected a property name, got '€'; quote text as 'text'"},
		// What the model allows on each attribute.
		{real, "CreditLimit ge 15000", "position 13: CreditLimit cannot be filtered: the model marks Crm.Sales.Customers.CreditLimit NotFilterable"},
		{real, "GracePeriodDays lt 3", "the model marks Crm.Sales.Customers.GracePeriodDays NotFilterable"},
		{real, "Number gt 'C'", "Number cannot be filtered with gt: the model allows only Equals, Like on Crm.Sales.Customers.Number"},
		{real, "Active in (true)", "Active cannot be filtered with in: the model allows only Equals"},
		{real, "contains(CreationUser,'adm') and FromDate eq 2025-03-14", "FromDate cannot be filtered with eq: the model allows only GreaterThanOrLessThan"},
		{products, "Name eq 'Stapler heavy duty'", "Name is a multi-language string: the Domain API supports only contains(Name,'text') on it, not eq"},
		{products, "startswith(Name,'C')", "supports only contains(Name,'text') on it, not startswith"},
		{products, "contains(Description,'x')", "the model marks General.Products.Products.Description NotFilterable"},
		{apps, "Scope eq 'read'", "the model marks Systems.Security.TrustedApplications.Scope NotFilterable"},
		{apps, "startswith(ApplicationUri,'com.')", "ApplicationUri cannot be filtered with startswith: the model allows only Equals"},
	}
	for _, tc := range tests {
		_, err := parseFilter(tc.set, tc.filter)
		var fe *filterError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n got %v\nwant …%s…", tc.filter, err, tc.want)
		}
	}
	// 64 levels are fine.
	if got := strconvInts(matches(t, docs, strings.Repeat("(", 64)+"State eq 50"+strings.Repeat(")", 64))); got != "4" {
		t.Errorf("64 levels: %s", got)
	}
}

// TestFilterOverHTTP drives the parser through both APIs: results, paging that keeps
// the filter, and the OData 400 body for a bad filter.
func TestFilterOverHTTP(t *testing.T) {
	s := start(t, Config{})
	tok := tokenFor(t, scenario(t, s, "healthy"))
	q := func(f string) string { return "$filter=" + url.QueryEscape(f) }

	m := call(t, "GET", s.URL()+"/api/domain/odata/Crm_Sales_Customers?"+q("Number eq 'C01011' and Active eq true"), tok, "").json(t)
	if v, _ := m["value"].([]any); len(v) != 1 || v[0].(map[string]any)["DisplayText"] != "Kestrel Aviation" {
		t.Errorf("Domain API filter: %v", m)
	}
	m = call(t, "GET", s.URL()+"/api/domain/odata/General_Products_Products?"+q("contains(Name,'lamp')"), tok, "").json(t)
	if v, _ := m["value"].([]any); len(v) != 1 || v[0].(map[string]any)["PartNumber"] != "P-0104" {
		t.Errorf("multi-language contains: %v", m)
	}

	// Paging keeps the filter in @odata.nextLink: 8 released, non-void documents.
	next := s.URL() + "/tableapi/odata/Gen_Documents?$top=3&$select=Document_No&" + q("Void eq false and State ge 30")
	var got []string
	for i := 0; next != "" && i < 10; i++ {
		r := call(t, "GET", next, tok, "")
		if r.status != 200 {
			t.Fatalf("%s: %d %s", next, r.status, r.body)
		}
		m := r.json(t)
		for _, x := range m["value"].([]any) {
			got = append(got, x.(map[string]any)["Document_No"].(string))
		}
		next, _ = m["@odata.nextLink"].(string)
	}
	if strings.Join(got, " ") != "SO00101 SO00102 SO00104 SO00105 SO00108 IT00109 SO00111 IT00112" {
		t.Errorf("filtered pages: %v", got)
	}

	// A bad filter is a 400 with the OData error body, on both APIs.
	for _, u := range []string{
		s.URL() + "/tableapi/odata/Gen_Documents?" + q("State ge"),
		s.URL() + "/api/domain/odata/Crm_Sales_Customers?" + q("Number eq"),
	} {
		r := call(t, "GET", u, tok, "")
		var body struct {
			Error struct {
				Code, Message, Type string
				MessageFormat       string `json:"messageFormat"`
			} `json:"error"`
		}
		if err := jsonUnmarshal(r.body, &body); err != nil || r.status != 400 {
			t.Fatalf("%s: %d %s", u, r.status, r.body)
		}
		e := body.Error
		if e.Code != "BadRequest" || e.Type != typeServerException || e.Message != e.MessageFormat ||
			!strings.HasPrefix(e.Message, "The $filter is not valid at position ") || !strings.Contains(e.Message, "expected a value to compare") {
			t.Errorf("%s: %s", u, r.body)
		}
	}
}

func FuzzFilter(f *testing.F) {
	for _, s := range []string{
		"", "Void eq false and State ge 30", "Entity_Name in ('Inv_Transactions','Crm_Sales_Orders')",
		"Document_Date ge 2023-01-01T00:00:00Z and Document_Date le 2023-06-30T00:00:00Z",
		"(Entity_Name eq 'Crm_Sales_Orders' or Entity_Name eq 'Inv_Transactions') and not Void eq true",
		"contains(Notes,'Urgent') or startswith(Document_No,'SO') or endswith(Creation_User,'n')",
		"Notes eq null", "Notes ne 'O''Brien'", "Id eq " + documentID(1), "State eq 1e3", "State in (1,2,3)",
		"Name eq 'abc", "((((", "))))", "not not not", "State eq", "eq eq eq", "contains(", "contains(Notes,", "'", "''",
		"CreditLimit gt 12.5 and Currency eq 'EUR'", "Id eq '" + CustomerID(2) + "'", "CreationTimeUtc lt 2025-03-16",
		"Document_Reference/Void eq false", "State in ()", "State in (1,", "\x00 eq \xff", "Name eq 'ü' or Name ne '\u2028'",
	} {
		f.Add(s)
	}
	data := seedData()
	sets := []*entitySet{seedTables()["Gen_Documents"], seedTables()["Crm_Sales_Orders"], data["Crm_Sales_Customers"], data["General_Products_Products"], plainCustomers()}
	f.Fuzz(func(t *testing.T, s string) {
		for _, set := range sets {
			match, err := parseFilter(set, s)
			if err != nil {
				var fe *filterError
				if !errors.As(err, &fe) || fe.msg == "" {
					t.Fatalf("%q: error %T %v", s, err, err)
				}
				continue
			}
			if strings.TrimSpace(s) == "" {
				continue
			}
			// not (f) is the exact complement of f.
			neg, err := parseFilter(set, "not ("+s+")")
			if err != nil && !strings.Contains(err.Error(), "nested more than") {
				t.Fatalf("%q parses but not (…) does not: %v", s, err)
			}
			for _, rw := range set.rows {
				m := match(rw)
				if neg != nil && neg(rw) == m {
					t.Fatalf("%q: not (…) agrees with the filter on %v", s, rw["Id"])
				}
			}
		}
	})
}
