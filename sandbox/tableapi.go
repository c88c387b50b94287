package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// TableAPIConcurrentRequests is the Table API's documented GlobalConcurrentRequests:
// at most this many Table API requests run at once on an instance, whoever sends
// them. TableAPIQueue more wait in the documented internal queue; one more than that
// gets 429 with Retry-After.
const (
	TableAPIConcurrentRequests = 2
	TableAPIQueue              = 5
)

// tableNames is the stable order of the Table API's tables.
var tableNames = []string{"Gen_Documents", "Crm_Sales_Orders"}

// documentID is the Id of the i-th seeded Gen_Documents row (0-based; 12 exist).
func documentID(i int) string { return stableGUID(fmt.Sprintf("document:%d", i)) }

// salesOrderID is the Sales_Order_Id of the Crm_Sales_Orders row of document i.
func salesOrderID(i int) string { return stableGUID(fmt.Sprintf("salesorder:%d", i)) }

// seedTables builds the Table API's raw tables: database column names (Document_No,
// not DocumentNo), a subset of the documented columns of Gen_Documents and
// Crm_Sales_Orders. Every third document is an Inv_Transactions document; the others
// are sales orders, each with its Crm_Sales_Orders row (Document_Id -> Gen_Documents.Id)
// for one of the Domain API's customers.
func seedTables() map[string]*entitySet {
	docs := &entitySet{
		name: "Gen_Documents", typeName: "Gen_Document", entity: "General.Documents.Documents", readOnly: true,
		props: []prop{
			{name: "Id", kind: kGUID, readOnly: true},
			{name: "Document_No", kind: kString, required: true},
			{name: "Document_Date", kind: kDate, required: true},
			{name: "Document_Type_Id", kind: kGUID, required: true},
			{name: "Entity_Name", kind: kString, required: true},
			{name: "State", kind: kInt, required: true},
			{name: "Void", kind: kBool, required: true},
			{name: "Creation_Time", kind: kDateTime, required: true},
			{name: "Creation_User", kind: kString, required: true},
			{name: "Notes", kind: kString},
		},
	}
	orders := &entitySet{
		name: "Crm_Sales_Orders", typeName: "Crm_Sales_Order", entity: "Crm.Sales.SalesOrders", readOnly: true,
		key: "Sales_Order_Id",
		props: []prop{
			{name: "Sales_Order_Id", kind: kGUID, readOnly: true},
			{name: "Document_Id", kind: kGUID, required: true},
			{name: "Customer_Id", kind: kGUID, required: true},
			{name: "Customer_Purchase_Order_No", kind: kString},
			{name: "Required_Delivery_Date", kind: kDate},
			{name: "Payment_Due_Date", kind: kDateTime},
			{name: "Credit_Limit_Override", kind: kBool, required: true},
			{name: "Notes", kind: kString},
		},
	}
	base := time.Date(2025, 3, 3, 8, 15, 0, 0, time.UTC)
	states := []int{30, 40, 0, 30, 50, 30, 20, 40, 30, 0, 30, 40}
	notes := []any{nil, "Urgent: ship before Friday", nil, "Partial delivery agreed", nil, "Voided: entered twice",
		nil, nil, "Urgent", nil, "Pallets, not boxes", nil}
	for i := range 12 {
		date := base.AddDate(0, 0, 4*i)
		entity, prefix := "Crm_Sales_Orders", "SO"
		if i%3 == 2 {
			entity, prefix = "Inv_Transactions", "IT"
		}
		user := "svc-import"
		if i%4 == 3 {
			user = "admin"
		}
		docs.rows = append(docs.rows, row{
			"Id": documentID(i), "Document_No": fmt.Sprintf("%s%05d", prefix, 101+i), "Document_Date": date.Format(time.DateOnly),
			"Document_Type_Id": stableGUID("doctype:" + entity), "Entity_Name": entity,
			"State": numberOf(states[i]), "Void": i == 5,
			"Creation_Time": date.Add(time.Duration(i%5) * 47 * time.Minute).Format(time.RFC3339),
			"Creation_User": user, "Notes": notes[i],
		})
		if entity != "Crm_Sales_Orders" {
			continue
		}
		var po any
		if i%2 == 0 {
			po = fmt.Sprintf("PO-2025-%03d", 40+i)
		}
		orders.rows = append(orders.rows, row{
			"Sales_Order_Id": salesOrderID(i), "Document_Id": documentID(i), "Customer_Id": CustomerID(i),
			"Customer_Purchase_Order_No": po, "Required_Delivery_Date": date.AddDate(0, 0, 10).Format(time.DateOnly),
			"Payment_Due_Date": date.AddDate(0, 0, 30).Format(time.RFC3339), "Credit_Limit_Override": i == 4,
			"Notes": notes[i],
		})
	}
	return map[string]*entitySet{docs.name: docs, orders.name: orders}
}

// tableRoot is the Table API's OData root, e.g. "http://127.0.0.1:41234/tableapi/odata/".
func (in *instance) tableRoot() string { return in.tableSiteRoot() + "/tableapi/odata/" }

// handleTableAPI serves every /tableapi/ path: the service document, $metadata and
// the tables. The order of checks follows the Domain API (token, session and limits,
// then the request), except that the method comes before the scope: the Table API is
// read-only, so a write is 405 whatever the token holds.
func (in *instance) handleTableAPI(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if path != "/tableapi/odata" && !strings.HasPrefix(path, "/tableapi/odata/") {
		odataError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("No resource at %s: the Table API's OData root is %s", path, in.tableRoot()), "")
		return
	}
	p := in.authenticate(w, r, tableAPI)
	if p == nil {
		return
	}
	release, ok := in.admitTable(w, r, p)
	if !ok {
		return
	}
	defer release()
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		odataError(w, http.StatusMethodNotAllowed, "MethodNotAllowed",
			fmt.Sprintf("The Table API is read-only: it accepts only GET, not %s. Change data through the Domain API (%s).", r.Method, in.odataRoot()), "")
		return
	}
	if !requireScope(w, r, p) {
		return
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(path, "/tableapi/odata"), "/")
	switch rest {
	case "":
		var sets []map[string]string
		for _, n := range tableNames {
			sets = append(sets, map[string]string{"name": n, "kind": "EntitySet", "url": n})
		}
		writeJSON(w, http.StatusOK, map[string]any{"@odata.context": in.tableRoot() + "$metadata", "value": sets})
		return
	case "$metadata":
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		io.WriteString(w, metadataXML(tableNames, in.tables))
		return
	}
	set, ok := in.tables[rest]
	if !ok {
		odataError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("Resource not found for the segment '%s'. Tables: %s.", rest, strings.Join(tableNames, ", ")), "")
		return
	}
	in.getCollection(w, r, set, in.tableRoot())
}

// admitTable opens or reuses the principal's session (the licence slot is shared
// with the Domain API), then takes one of the instance's TableAPIConcurrentRequests
// slots, waiting in the queue of TableAPIQueue when they are taken; with the queue full
// too the answer is 429 with Retry-After. The Domain API's per-session limits
// (SessionRpm, one request at a time) do not apply to the Table API. On success the
// caller must call the returned release when done.
func (in *instance) admitTable(w http.ResponseWriter, r *http.Request, p *principal) (release func(), ok bool) {
	now := in.now()
	s := in.lockSession(w, r, p, now)
	if s == nil {
		return nil, false
	}
	if in.table.waiting >= TableAPIConcurrentRequests+TableAPIQueue {
		queued := in.table.waiting
		in.mu.Unlock()
		in.tooMany(w, r, 1, fmt.Sprintf("Too many requests: the Table API runs at most %d requests at once on this instance (GlobalConcurrentRequests %d) and queues %d more; %d are running or queued. Retry after 1 second.",
			TableAPIConcurrentRequests, TableAPIConcurrentRequests, TableAPIQueue, queued))
		return nil, false
	}
	s.lastUsed = now
	release, ok = in.enter(&in.table, r)
	if !ok {
		return nil, false
	}
	in.mu.Lock()
	hold := in.tableHold
	in.mu.Unlock()
	if hold != nil {
		hold(r)
	}
	return release, true
}

func numberOf(n int) json.Number { return json.Number(strconv.Itoa(n)) }
