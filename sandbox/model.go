package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The Domain API's entity sets, with attributes named, typed and filterable as
// ErpNetDocs/model describes them (model:entities/Crm.Sales.Customers.md,
// General.Products.Products.md, Systems.Security.TrustedApplications.md). Each set
// serves a subset of the model's attributes; the references the sandbox does not
// serve (a product's ProductGroup, a customer's EnterpriseCompany, ...) are not
// required on create (a guess that keeps the sandbox small).

// setNames is the stable order of the served entity sets.
var setNames = []string{"Crm_Sales_Customers", "General_Products_Products", "Systems_Security_TrustedApplications",
	"Systems_Monitoring_CurrentSessions", "Systems_Monitoring_Licenses", accessTokensSet}

// CustomerID returns the Id of the i-th seeded customer (0-based; 12 exist), for
// scenario calls and tests such as PATCH Crm_Sales_Customers(<id>).
func CustomerID(i int) string { return stableGUID(fmt.Sprintf("customer:%d", i)) }

// ProductID returns the Id of the i-th seeded product (0-based; 12 exist).
func ProductID(i int) string { return stableGUID(fmt.Sprintf("product:%d", i)) }

// partyID is the Id of the i-th seeded party (the customer i's General_Contacts_Parties row).
func partyID(i int) string { return stableGUID(fmt.Sprintf("party:%d", i)) }

// mls is a MultilanguageString value.
func mls(en string) map[string]any { return map[string]any{"en": en} }

// amount is an Amount value.
func amount(value, currency string) map[string]any {
	return map[string]any{"Value": json.Number(value), "Currency": currency}
}

// Common attributes of aggregate roots (model: CreationTime, CreationUser,
// UpdateTime, UpdateUser, DisplayText).
func auditProps(what string) []prop {
	return []prop{
		{name: "CreationTime", kind: kDateTime, readOnly: true, filters: fRange, desc: "Date and time when the " + what + " was created."},
		{name: "CreationUser", kind: kString, readOnly: true, filters: fLike, maxLen: 64, desc: "Login name of the user, who created the " + what + "."},
		{name: "UpdateTime", kind: kDateTime, readOnly: true, filters: fRange, desc: "Date and time when the " + what + " was last updated."},
		{name: "UpdateUser", kind: kString, readOnly: true, filters: fLike, maxLen: 64, desc: "Login name of the user, who last updated the " + what + "."},
		{name: "DisplayText", kind: kString, readOnly: true, calc: true, desc: "Uses the repository DisplayTextFormat to build the display text from the attributes and references of current object."},
	}
}

// seedData builds a fresh copy of the sample data (each instance mutates its own).
func seedData() map[string]*entitySet {
	base := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	customers := &entitySet{
		name: "Crm_Sales_Customers", typeName: "Crm_Sales_Customer", entity: "Crm.Sales.Customers", table: "Crm_Customers",
		title: "Customers", model: true,
		desc: "Customer contracts list. For each combination of Enterprise Company and external Party there can be zero or one records of this.",
		props: append([]prop{
			{name: "Id", kind: kGUID, readOnly: true, filters: fEq | fIn},
			{name: "Number", kind: kString, maxLen: 16, filters: fEq | fLike, desc: "Unique customer number."},
			{name: "Active", kind: kBool, required: true, def: true, filters: fEq, desc: "True if the customer is active, false - not to list in combo boxes for choosing in new documents."},
			{name: "AllowUseAsPrimaryCustomer", kind: kBool, required: true, def: false, filters: fEq, desc: "Specifies whether to allow the customer to be used as primary customer in a sales deal."},
			{name: "AllowUseAsShipToCustomer", kind: kBool, required: true, def: false, filters: fEq, desc: "True to allow the customer to be used as ship to customer in a sales deal."},
			{name: "CreditLimit", kind: kAmount, desc: "Total credit limit for the customer in the enterprise company base currency. null means there is no limit."},
			{name: "DefaultDeliveryTermDays", kind: kInt, required: true, def: json.Number("0"), desc: "Default term in days for goods delivery, starting at the day of sale."},
			{name: "DefaultPaymentStartDays", kind: kInt, required: true, def: json.Number("0"), desc: "Specifies the number of days after the sales order, when the payment becomes due."},
			{name: "DefaultPaymentTermDays", kind: kInt, required: true, def: json.Number("0"), desc: "Default payment term in days when issuing documents for this customer."},
			{name: "GracePeriodDays", kind: kInt, required: true, def: json.Number("0"), desc: "Number of days after the payment deadline, during which the system still allows new sales orders for the customer."},
			{name: "FromDate", kind: kDateTime, filters: fRange, desc: "Start date of the customer relationship."},
			{name: "ThruDate", kind: kDateTime, filters: fRange, desc: "The date of customer relationship termination. null for active customers."},
		}, auditProps("Customer")...),
		navs: []nav{{name: "Party", set: "General_Contacts_Parties", typeName: "General_Contacts_Party",
			props: []prop{{name: "Id", kind: kGUID}, {name: "PartyCode", kind: kString}, {name: "PartyName", kind: kMLString}}}},
	}
	names := []string{"Acme Trading Ltd", "Balkan Foods JSC", "Cobalt Logistics", "Danube Textiles", "Evergreen Pharma",
		"Fjord Marine AS", "Granite Builders", "Helios Solar GmbH", "Ivory Print House", "Juniper Retail",
		"Kestrel Aviation", "Lotus Garden Supplies"}
	currencies := []string{"EUR", "BGN", "USD"}
	for i, n := range names {
		created := base.Add(time.Duration(i) * 37 * time.Hour)
		var limit any
		if i%6 != 5 {
			limit = amount(fmt.Sprintf("%d.00", 5000*(i%4+1)), currencies[i%3])
		}
		var thru any
		if i%5 == 4 {
			thru = created.AddDate(0, 6, 0).Format(time.RFC3339)
		}
		customers.rows = append(customers.rows, row{
			"Id": CustomerID(i), "Number": fmt.Sprintf("C%05d", 1001+i), "Active": i%5 != 4,
			"AllowUseAsPrimaryCustomer": i%3 == 0, "AllowUseAsShipToCustomer": i%4 == 0,
			"CreditLimit": limit, "DefaultDeliveryTermDays": numberOf(3 * (i%3 + 1)), "DefaultPaymentStartDays": numberOf(0),
			"DefaultPaymentTermDays": numberOf(15 * (i%3 + 1)), "GracePeriodDays": numberOf(5 * (i % 4)),
			"FromDate": created.Truncate(24 * time.Hour).Format(time.RFC3339), "ThruDate": thru,
			"CreationTime": created.Format(time.RFC3339), "CreationUser": "admin",
			"UpdateTime": nil, "UpdateUser": nil, "DisplayText": n,
			"Party": row{"Id": partyID(i), "PartyCode": fmt.Sprintf("%05d", 101+i), "PartyName": mls(n)},
		})
	}
	products := &entitySet{
		name: "General_Products_Products", typeName: "General_Products_Product", entity: "General.Products.Products", table: "Gen_Products",
		title: "Products", model: true,
		desc: "Products are the different items in the enterprise, which can be purchased, stored, sold and depreciated.",
		props: append([]prop{
			{name: "Id", kind: kGUID, readOnly: true, filters: fEq | fIn},
			{name: "PartNumber", kind: kString, required: true, maxLen: 32, filters: fEq | fIn | fLike, desc: "Unique part number of the product."},
			{name: "Name", kind: kMLString, required: true, maxLen: 254, filters: fEq | fLike, desc: "Name of the item."},
			{name: "ShortName", kind: kMLString, maxLen: 128, filters: fEq | fLike, desc: "Short name of the product. Used for space-constrained devices, like mobile phones, fiscal printers, etc."},
			{name: "Description", kind: kMLString, desc: "The description of the product."},
			{name: "Active", kind: kBool, required: true, def: true, filters: fEq, desc: "True if the product is active, false - not to list in combo boxes for choosing in new documents."},
			{name: "IsFeatured", kind: kBool, required: true, def: false, filters: fEq, desc: "Specifies whether the product should be presented at the title space in promotional materials, web pages, etc."},
			{name: "StandardCostPerLot", kind: kAmount, required: true, def: amount("0", "EUR"), desc: "Standard cost for one standard lot of the product in the currency, specified by Costing_Currency_Id."},
			{name: "StandardPricePerLot", kind: kAmount, required: true, def: amount("0", "EUR"), desc: "Standard sales price (used if no special price is defined) for one standard lot of the product in the currency, specified by Costing_Currency_Id."},
		}, auditProps("Product")...),
		navs: []nav{{name: "MeasurementUnit", set: "General_Products_MeasurementUnits", typeName: "General_Products_MeasurementUnit",
			props: []prop{{name: "Id", kind: kGUID}, {name: "Code", kind: kString}, {name: "Name", kind: kMLString}}}},
	}
	units := map[string]row{}
	for _, u := range []struct{ code, name string }{{"pack", "Pack"}, {"pcs", "Pieces"}, {"kg", "Kilogram"}, {"bottle", "Bottle"}} {
		units[u.code] = row{"Id": stableGUID("unit:" + u.code), "Code": u.code, "Name": mls(u.name)}
	}
	items := []struct{ name, short, unit, price, cost string }{
		{"Copy paper A4 80g", "Paper A4", "pack", "5.90", "3.80"}, {"Ballpoint pen blue", "Pen blue", "pcs", "0.45", "0.18"},
		{"Stapler heavy duty", "Stapler", "pcs", "18.00", "9.50"}, {"Office chair ergonomic", "Chair", "pcs", "249.00", "151.00"},
		{"LED desk lamp", "Desk lamp", "pcs", "34.50", "19.00"}, {"Whiteboard 120x90", "Whiteboard", "pcs", "89.00", "52.00"},
		{"Coffee beans 1kg", "Coffee 1kg", "kg", "16.80", "10.40"}, {"Mineral water 0.5l", "Water 0.5l", "bottle", "0.60", "0.21"},
		{"Printer toner black", "Toner black", "pcs", "72.00", "44.00"}, {"USB-C cable 2m", "USB-C 2m", "pcs", "9.90", "3.10"},
		{"Notebook A5 ruled", "Notebook A5", "pcs", "2.30", "0.95"}, {"Shipping box 40x30x30", "Box 40x30", "pcs", "1.75", "0.70"},
	}
	for i, it := range items {
		created := base.Add(time.Duration(i) * 29 * time.Hour)
		var desc any
		if i%4 == 0 {
			desc = mls("Sample product " + it.name + " of the sandbox catalogue.")
		}
		products.rows = append(products.rows, row{
			"Id": ProductID(i), "PartNumber": fmt.Sprintf("P-%04d", 100+i), "Name": mls(it.name), "ShortName": mls(it.short),
			"Description": desc, "Active": i != 7, "IsFeatured": i%5 == 0,
			"StandardCostPerLot": amount(it.cost, "EUR"), "StandardPricePerLot": amount(it.price, "EUR"),
			"CreationTime": created.Format(time.RFC3339), "CreationUser": "admin", "UpdateTime": nil, "UpdateUser": nil,
			"DisplayText": it.name, "MeasurementUnit": units[it.unit],
		})
	}
	apps := &entitySet{
		name: "Systems_Security_TrustedApplications", typeName: "Systems_Security_TrustedApplication", entity: "Systems.Security.TrustedApplications",
		table: "Sec_Trusted_Applications", title: "Trusted Applications", model: true,
		desc: "Application, which is trusted to access the ERP data.",
		props: []prop{
			{name: "Id", kind: kGUID, readOnly: true, filters: fEq | fRange | fIn},
			{name: "Name", kind: kString, required: true, maxLen: 254, filters: fEq | fLike, desc: "The multi-language name of the application."},
			{name: "ApplicationUri", kind: kString, required: true, maxLen: 254, filters: fEq, desc: "Application globally unique Uri in reverse host name format. For example: \"com.manufacturer/app\"."},
			{name: "ClientType", kind: kString, required: true, def: "Confidential", enum: []string{"Confidential", "Public", "None"}, desc: "Specifies the client type, according to RFC 6749, e.g. the confidentiality of the client app. P=Public (e.g. browser or native app); C=Confidential (e.g. web server app)."},
			{name: "ApplicationSecretHash", kind: kString, maxLen: 250, desc: "Hash of the secret of the client application. The secret is used when the client application needs to authorize itself in front of the identity provider."},
			{name: "SystemUserAllowed", kind: kBool, required: true, def: false, filters: fEq, desc: "Allows this application to logon as a service."},
			{name: "SystemUserLoginUrl", kind: kString, maxLen: 254, desc: "The URL, which will be used by the login process, when the application logs in as a service."},
			{name: "Scope", kind: kString, desc: "The scope (according to RFC 6749) for which the application was trusted. The scope is an unordered list of space-delimited case-sensitive strings."},
			{name: "IsEnabled", kind: kBool, required: true, def: true, filters: fEq, desc: "Specifies whether the application is enabled for login."},
			{name: "ReferenceTokens", kind: kString, required: true, def: "None", enum: []string{"None", "AuthenticatedUsers", "AdministratorsOnly"}, filters: fEq | fIn, desc: "Defines who is allowed to issue reference access tokens for this trusted application."},
			{name: "BasicAuthenticationAllowed", kind: kBool, required: true, def: false, filters: fEq, desc: "If true, this application allows login with user name and password."},
			{name: "ImpersonateAsInternalUserAllowed", kind: kBool, required: true, def: false, filters: fEq, desc: "Allows the application to request login from internal users and operate on their behalf."},
			{name: "ImpersonateAsCommunityUserAllowed", kind: kBool, required: true, def: false, filters: fEq, desc: "Allows the application to request login from external users and operate on their behalf."},
			{name: "ImpersonateLoginUrl", kind: kString, maxLen: 500, desc: "The login Url used when an application is impersonated as (usually community) user; may include multiple addresses, separated by commas."},
			{name: "ImpersonateLogoutUrl", kind: kString, maxLen: 500, desc: "The logout Url used when an application is impersonated as (usually community) user; may include multiple addresses, separated by commas."},
			{name: "Notes", kind: kString, desc: "Notes for this TrustedApplication."},
			{name: "CreationTimeUtc", kind: kDateTime, required: true, readOnly: true, filters: fEq | fRange, desc: "Date and time (in UTC) when the application was registered."},
		},
		navs: []nav{{name: "SystemUser", set: "Systems_Security_Users", typeName: "Systems_Security_User",
			props: []prop{{name: "Id", kind: kGUID}, {name: "Login", kind: kString}, {name: "UserType", kind: kString}, {name: "Active", kind: kBool},
				{name: "IsAdmin", kind: kBool}}}},
	}
	tokens := accessTokensModel()
	sets := map[string]*entitySet{customers.name: customers, products.name: products, apps.name: apps, tokens.name: tokens}
	for _, m := range monitoringSets() {
		sets[m.name] = m
	}
	return sets
}

// ---- /api/domain/standardmodel and /currentmodel ---------------------------------

// modelRepository is one repository of the model endpoints in the documented shape
// (dev:domain-api/common-tasks/discover-model.md): compact, or detailed with
// Attributes, References, ChildCollections and Methods.
func (s *entitySet) modelRepository(detailed bool) map[string]any {
	m := map[string]any{
		"Name": s.name, "TableName": s.table, "RepositoryName": s.entity, "LocalizedName": s.title,
		"LocalizedDescription": s.desc, "IsAggregateRoot": true, "AggregateParent": nil, "AggregateRoot": s.name,
		"ObjectType": "Erp." + s.typeName, "Category": s.categoryName(), "UIVisibility": "ShownByDefault",
	}
	if !detailed {
		for k, v := range m {
			if v == nil {
				delete(m, k) // compact mode omits null-valued properties
			}
		}
		return m
	}
	attrs := []map[string]any{}
	for i, p := range s.props {
		a := map[string]any{
			"Name": p.name, "ColumnName": nil, "Type": string(p.kind), "LocalizedName": p.name, "LocalizedDescription": p.desc,
			"IsCustomProperty": false, "IsCalculatedDataAttribute": p.calc, "SupportsAllowedValues": len(p.enum) > 0,
			"LimitToAllowedValues": len(p.enum) > 0, "CategoryId": nil, "CategoryLocalizedName": nil, "IsBlob": false,
			"SupportsSet": !p.readOnly, "ReadOnly": p.readOnly, "IsPersistent": !p.calc,
		}
		if !p.calc {
			a["ColumnName"] = p.name
		}
		def := "None"
		switch {
		case p.name == "Id":
			def = "NewGuid"
		case p.name == "CreationTimeUtc":
			def = "CurrentDateTimeUtc"
		case p.def != nil:
			def = "Constant"
		}
		a["BaseInfo"] = map[string]any{
			"RepositoryName": s.entity, "LogicalOrder": i, "Internal": false, "Nullable": !p.required && p.name != "Id",
			"Indexed":   p.name == "Id" || p.name == "ApplicationUri" || p.name == "Number" || p.name == "PartNumber",
			"MaxLength": p.maxLen, "SupportedFilters": p.filters.String(), "DefaultValueType": def, "Description": p.desc,
		}
		if len(p.enum) > 0 {
			var ev []map[string]any
			for j, v := range p.enum {
				ev = append(ev, map[string]any{"Value": j, "Name": v, "LocalizedName": v, "LocalizedDescription": v + " value."})
			}
			a["enumValues"] = ev
		}
		attrs = append(attrs, a)
	}
	refs := []map[string]any{}
	for _, n := range s.navs {
		refs = append(refs, map[string]any{
			"Name": n.name, "ColumnName": n.name + "Id", "Type": "Erp." + n.typeName, "LocalizedName": n.name,
			"LocalizedDescription": nil, "ReferencedEntitySet": n.set, "ReferencedType": "Erp." + n.typeName,
			"CategoryId": nil, "CategoryLocalizedName": nil, "ReadOnly": false, "IsOwnership": false,
			"IsFilterable": true, "IsAggregateParent": false,
		})
	}
	m["Attributes"], m["References"] = attrs, refs
	m["ChildCollections"], m["Methods"] = []any{}, []any{}
	return m
}

// categoryName is the model's Category of the set.
func (s *entitySet) categoryName() string {
	if s.category == "" {
		return "Definitions"
	}
	return s.category
}

// serveModel answers the model endpoints: rest is "" for the collection (compact, or
// detailed with ?details=true) or an entity set name for one repository (always
// detailed). The sandbox's current model equals its standard model: it has no
// instance customizations.
func (in *instance) serveModel(w http.ResponseWriter, r *http.Request, rest string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET")
		return
	}
	if rest != "" {
		s, ok := in.sets[rest]
		if !ok {
			odataError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("No repository named '%s' (%s) in the model: use the entity set name with underscores, e.g. %s. Entity sets: %s.",
				rest, strings.ReplaceAll(rest, "_", "."), setNames[0], strings.Join(setNames, ", ")), "")
			return
		}
		writeJSON(w, http.StatusOK, s.modelRepository(true))
		return
	}
	details := false
	if v := r.URL.Query().Get("details"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			odataError(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("details=%s is not true or false", v), "")
			return
		}
		details = b
	}
	out := []map[string]any{}
	for _, n := range setNames {
		out = append(out, in.sets[n].modelRepository(details))
	}
	writeJSON(w, http.StatusOK, out)
}
