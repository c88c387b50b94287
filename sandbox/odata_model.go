package sandbox

import (
	"fmt"
	"html"
	"strings"
)

// The model's shape: an entity set's properties with their types and the filters
// the model allows, its rows and navigations, a set's snapshot under the instance's
// lock, and the CSDL ($metadata) that describes them. The seeded sets are in model.go.

// propKind is a property's type as the CSDL names it.
type propKind string

const (
	kGUID     propKind = "Edm.Guid"
	kString   propKind = "Edm.String"
	kBool     propKind = "Edm.Boolean"
	kInt      propKind = "Edm.Int32"
	kNumber   propKind = "Edm.Decimal"
	kDateTime propKind = "Edm.DateTimeOffset"
	kDate     propKind = "Edm.Date"
	// kAmount is the model's Amount: {"Value": 12.5, "Currency": "EUR"}.
	kAmount propKind = "Erp.Amount"
	// kMLString is the model's MultilanguageString: {"en": "Apple", "de": "Apfel"}.
	kMLString propKind = "Erp.MultilanguageString"
)

// filterCaps is what $filter may do with a property: the model's Supported Filters.
type filterCaps uint8

const (
	fEq    filterCaps = 1 << iota // Equals: eq, ne
	fRange                        // GreaterThanOrLessThan: gt, ge, lt, le
	fLike                         // Like: contains, startswith, endswith
	fIn                           // EqualsIn ("multi eq"): in (...)
	fAny   = fEq | fRange | fLike | fIn
)

// String names the capabilities as the model does.
func (c filterCaps) String() string {
	var out []string
	for _, x := range []struct {
		f    filterCaps
		name string
	}{{fEq, "Equals"}, {fRange, "GreaterThanOrLessThan"}, {fLike, "Like"}, {fIn, "EqualsIn"}} {
		if c&x.f != 0 {
			out = append(out, x.name)
		}
	}
	if len(out) == 0 {
		return "NotFilterable"
	}
	return strings.Join(out, ", ")
}

// prop is one attribute of an entity set, as the model describes it.
type prop struct {
	name     string
	kind     propKind
	readOnly bool
	required bool
	filters  filterCaps // the model's Supported Filters (enforced on model sets)
	maxLen   int        // string length limit; 0 = none
	calc     bool       // a calculated attribute (DisplayText): read-only, not stored
	def      any        // the model's Default(...) applied on create; nil = none
	enum     []string   // the allowed Domain API values of an enum attribute
	desc     string     // the model's description
}

// row is one entity: property name to value (a nav's target is a row too).
type row map[string]any

// entitySet is one served entity set: its model and its rows.
type entitySet struct {
	name     string // e.g. Crm_Sales_Customers
	typeName string // e.g. Crm_Sales_Customer
	entity   string // ERP.net entity name, e.g. Crm.Sales.Customers
	table    string // the model's base table, e.g. Crm_Customers
	title    string // localized name, e.g. Customers
	desc     string // the model's description of the entity
	props    []prop
	rows     []row
	readOnly bool   // writes are a business error
	category string // the model's Category; "" means Definitions (AccessTokens: SystemData)
	key      string // key property; "" means "Id"
	// model marks a Domain API set described by ErpNetDocs/model: $filter may use
	// only what each attribute's Supported Filters allow. The Table API's raw tables
	// are not described that way and allow every operator.
	model bool
	// navs are single-valued navigation properties: a row holds the target as a
	// row (or nil) under the nav's name, sent only when $expand asks for it.
	navs []nav
}

// nav is a navigation property to one entity of another set (e.g. a Trusted App's
// SystemUser), served inline only with $expand, as OData does.
type nav struct {
	name     string // e.g. SystemUser
	set      string // the target's entity set, e.g. Systems_Security_Users
	typeName string // e.g. Systems_Security_User
	props    []prop // the target's structural properties; the first is its key
}

// nav finds the navigation property name.
func (s *entitySet) nav(name string) (nav, bool) {
	for _, n := range s.navs {
		if n.name == name {
			return n, true
		}
	}
	return nav{}, false
}

// keyName is the key property (the @odata.id key), e.g. Id or Sales_Order_Id.
func (s *entitySet) keyName() string {
	if s.key == "" {
		return "Id"
	}
	return s.key
}

// prop finds the property name.
func (s *entitySet) prop(name string) (prop, bool) {
	for _, p := range s.props {
		if p.name == name {
			return p, true
		}
	}
	return prop{}, false
}

// setSnapshot returns the set with its rows copied (Trusted Apps built from the
// registry). The caller holds no lock.
func (in *instance) setSnapshot(name string) (*entitySet, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	s, ok := in.sets[name]
	if !ok {
		return nil, false
	}
	cp := *s
	cp.rows = nil
	if rows, ok := in.monitoringRowsLocked(name, in.now()); ok {
		cp.rows = rows
		return &cp, true
	}
	if name == accessTokensSet {
		cp.rows = in.accessTokenRowsLocked()
		return &cp, true
	}
	if name == "Systems_Security_TrustedApplications" {
		for _, id := range in.appOrder {
			a := in.apps[id]
			cp.rows = append(cp.rows, appRow(in.appIDs[id], a))
		}
		return &cp, true
	}
	for _, r := range s.rows {
		c := row{}
		for k, v := range r {
			c[k] = v
		}
		cp.rows = append(cp.rows, c)
	}
	return &cp, true
}

// metadataXML is the CSDL of the named sets (props never change: no lock needed).
func metadataXML(names []string, sets map[string]*entitySet) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">` + "\n")
	b.WriteString(`<edmx:DataServices><Schema Namespace="Erp" xmlns="http://docs.oasis-open.org/odata/ns/edm">` + "\n")
	uses := map[propKind]bool{}
	for _, n := range names {
		for _, p := range sets[n].props {
			uses[p.kind] = true
		}
		for _, nv := range sets[n].navs {
			for _, p := range nv.props {
				uses[p.kind] = true
			}
		}
	}
	if uses[kAmount] {
		b.WriteString(`<ComplexType Name="Amount"><Property Name="Value" Type="Edm.Decimal" Nullable="false"/><Property Name="Currency" Type="Edm.String"/></ComplexType>` + "\n")
	}
	if uses[kMLString] {
		b.WriteString(`<ComplexType Name="MultilanguageString" OpenType="true"/>` + "\n")
	}
	for _, n := range names {
		s := sets[n]
		fmt.Fprintf(&b, `<EntityType Name="%s"><Key><PropertyRef Name="%s"/></Key>`, s.typeName, s.keyName())
		for _, p := range s.props {
			fmt.Fprintf(&b, `<Property Name="%s" Type="%s" Nullable="%t"/>`, p.name, p.kind, !(p.required || p.name == s.keyName()))
		}
		for _, n := range s.navs {
			fmt.Fprintf(&b, `<NavigationProperty Name="%s" Type="Erp.%s"/>`, n.name, n.typeName)
		}
		b.WriteString("</EntityType>\n")
		for _, n := range s.navs {
			fmt.Fprintf(&b, `<EntityType Name="%s"><Key><PropertyRef Name="%s"/></Key>`, n.typeName, n.props[0].name)
			for _, p := range n.props {
				fmt.Fprintf(&b, `<Property Name="%s" Type="%s" Nullable="%t"/>`, p.name, p.kind, p.name != n.props[0].name)
			}
			b.WriteString("</EntityType>\n")
		}
	}
	b.WriteString(`<EntityContainer Name="Container">`)
	for _, n := range names {
		fmt.Fprintf(&b, `<EntitySet Name="%s" EntityType="Erp.%s"/>`, n, html.EscapeString(sets[n].typeName))
	}
	b.WriteString("</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>\n")
	return b.String()
}
