package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// The Domain API's OData service: the handler that routes the service root,
// $metadata, collections and single entities to the queries (odata_query.go) and the
// changes (odata_write.go) on the model's sets (odata_model.go, model.go).

// odataRoot is the Domain API's OData root, ending in "/".
func (in *instance) odataRoot() string { return in.root + "/api/domain/odata/" }

// handleOData serves the OData root, $metadata, collections and single entities.
// rest is the path after /api/domain/odata/.
func (in *instance) handleOData(w http.ResponseWriter, r *http.Request, rest string) {
	switch rest {
	case "":
		if r.Method != http.MethodGet {
			methodNotAllowed(w, "GET")
			return
		}
		var sets []map[string]string
		for _, n := range setNames {
			sets = append(sets, map[string]string{"name": n, "kind": "EntitySet", "url": n})
		}
		writeJSON(w, http.StatusOK, map[string]any{"@odata.context": in.odataRoot() + "$metadata", "value": sets})
		return
	case "$metadata":
		if r.Method != http.MethodGet {
			methodNotAllowed(w, "GET")
			return
		}
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		io.WriteString(w, metadataXML(setNames, in.sets))
		return
	}
	name, key, hasKey := rest, "", false
	if i := strings.IndexByte(rest, '('); i > 0 && strings.HasSuffix(rest, ")") {
		name, key, hasKey = rest[:i], rest[i+1:len(rest)-1], true
		key = strings.TrimSuffix(strings.TrimPrefix(key, "guid'"), "'")
	}
	set, ok := in.setSnapshot(name)
	if !ok || strings.Contains(name, "/") {
		odataError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("Resource not found for the segment '%s'. Entity sets: %s.", rest, strings.Join(setNames, ", ")), "")
		return
	}
	if hasKey && !guidRE.MatchString(key) {
		odataError(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("The key value '%s' is not a valid Edm.Guid: address an entity as %s(<guid>)", key, name), "")
		return
	}
	if !hasKey {
		switch r.Method {
		case http.MethodGet:
			in.getCollection(w, r, set, in.odataRoot())
		case http.MethodPost:
			in.create(w, r, set)
		default:
			methodNotAllowed(w, "GET, POST")
		}
		return
	}
	switch r.Method {
	case http.MethodGet:
		for _, rw := range set.rows {
			if strings.EqualFold(rw["Id"].(string), key) {
				sel, err := parseSelect(set, r.URL.Query().Get("$select"))
				var exp []expansion
				if err == nil {
					exp, err = parseExpand(set, r.URL.Query().Get("$expand"))
				}
				if err != nil {
					odataError(w, http.StatusBadRequest, "BadRequest", err.Error(), "")
					return
				}
				var b bytes.Buffer
				b.WriteString(`{"@odata.context":`)
				writeJSONValue(&b, in.odataRoot()+"$metadata#"+set.name+"/$entity")
				b.WriteByte(',')
				encodeRowFields(&b, set, rw, sel, exp)
				b.WriteByte('}')
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.Write(b.Bytes())
				return
			}
		}
		odataError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("No %s entity with Id %s", set.name, key), "")
	case http.MethodPatch, http.MethodPut, http.MethodDelete:
		in.modify(w, r, set, key)
	default:
		methodNotAllowed(w, "GET, PATCH, PUT, DELETE")
	}
}
