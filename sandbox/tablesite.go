package sandbox

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"time"
)

// The Table API as a site of its own. ERP.net runs each API as a web site, and
// auto-discovery lists the Table API (Type TableAPI) with its own Url; the Table API
// docs' example is on another host than the instance (https://test-tableAPI.erp.net,
// dev table-api/index.md). With Config.TableAPIAddr set, the main instance serves its
// Table API on a second listener at that address, under the host name given there
// (e.g. "localhost:0", another host name than the instance's 127.0.0.1), and only
// there: the instance root answers /tableapi/ with a 404 that names the site.

// tableSite is the Table API's own listener.
type tableSite struct {
	ln   net.Listener
	srv  *http.Server
	root string // scheme://host:port, the host as given in Config.TableAPIAddr
	done chan struct{}
}

// startTableSite listens on addr for in's Table API.
func (in *instance) startTableSite(addr string, tlsCfg *tls.Config) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("sandbox: the Table API address %q is not host:port: %w", addr, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sandbox: cannot listen on %s for the Table API: %w", addr, err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	scheme := "http"
	if tlsCfg != nil {
		scheme = "https"
		ln = tls.NewListener(ln, tlsCfg)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/tableapi/", in.handleTableAPI)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		odataError(w, http.StatusNotFound, "NotFound", "This is the Table API's site: its OData root is "+in.tableRoot(), "")
	})
	site := &tableSite{ln: ln, root: scheme + "://" + net.JoinHostPort(host, port), done: make(chan struct{}),
		srv: &http.Server{Handler: in.logged(mux), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}}
	if in.cfg.Logger != nil {
		site.srv.ErrorLog = in.cfg.Logger
	}
	in.tableSite = site
	return nil
}

func (t *tableSite) serve() {
	go func() {
		defer close(t.done)
		t.srv.Serve(t.ln)
	}()
}

func (t *tableSite) close() error {
	err := shutdown(t.srv)
	t.ln.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// tableSiteRoot is the Url auto-discovery lists for the Table API: its own site's root,
// or the instance root.
func (in *instance) tableSiteRoot() string {
	if in.tableSite != nil {
		return in.tableSite.root
	}
	return in.root
}

// handleTableAPIHere answers /tableapi/ on the instance root: the Table API itself, or,
// when it is a site of its own, a 404 naming that site.
func (in *instance) handleTableAPIHere(w http.ResponseWriter, r *http.Request) {
	if in.tableSite == nil {
		in.handleTableAPI(w, r)
		return
	}
	odataError(w, http.StatusNotFound, "NotFound", "The Table API is a site of its own on this instance: its OData root is "+in.tableRoot()+" (auto-discovery lists it as TableAPI)", "")
}

// TableAPIURL is the Table API's site root as auto-discovery lists it (the instance
// root unless Config.TableAPIAddr gave it a site of its own).
func (s *Server) TableAPIURL() string { return strings.TrimRight(s.main.tableSiteRoot(), "/") }
