package check

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"trustedapp-tester/profiles"
)

// The engine's classifiers for answers that were not received by a run but pasted
// from a log (trustedapp-check explain, "Explain an error…"): the same codes and
// evidence a live check gives, so guide explains them the same way. Nothing here
// touches the network.

// NewFinding makes a finding with the code's default severity; it panics on a code
// that is not in Codes (a programming error, caught by the tests).
func NewFinding(code, msg string, ev map[string]string) Finding { return newFinding(code, msg, ev) }

// ClassifyTokenAnswer classifies an error answer of the token endpoint (status 0 is
// taken as 400, IdentityServer's status for every token error), as the token step
// does. The message speaks of the answer only: the pasted text says nothing of the
// profile that sent the request.
func ClassifyTokenAnswer(status int, header http.Header, body []byte) Finding {
	if status == 0 {
		status = http.StatusBadRequest
	}
	if header == nil {
		header = http.Header{}
	}
	oe, _ := ParseOAuthError(body)
	re := &oauth2.RetrieveError{
		Response:         &http.Response{StatusCode: status, Header: header},
		Body:             body,
		ErrorCode:        oe.Error,
		ErrorDescription: oe.Description,
	}
	r := &run{now: time.Now}
	f := r.retrieveErrorFinding(re, map[string]string{})
	delete(f.Evidence, EvClientID)
	delete(f.Evidence, EvAuthMethod)
	delete(f.Evidence, EvRequested)
	desc := ""
	if oe.Description != "" {
		desc = fmt.Sprintf(" (%q)", oe.Description)
	}
	switch {
	case f.Code == TokHTMLResponse || f.Code == TokHTTPError:
		// The engine's own sentence fits: it names only the status.
	case oe.Error != "":
		f.Message = fmt.Sprintf("The token endpoint refused the request with %s%s.", oe.Error, desc)
	}
	return f
}

// ClassifyAPIAnswer classifies an answer of the Domain API (or Table API) to method
// path, as an API step does. method and path may be empty when the pasted text does
// not say them.
func ClassifyAPIAnswer(method, path string, status int, header http.Header, body []byte) []Finding {
	if header == nil {
		header = http.Header{}
	}
	method = strings.ToUpper(strings.TrimSpace(method))
	where := path
	if where == "" {
		where = "The request"
	}
	u, err := url.Parse(path)
	if err != nil || !u.IsAbs() {
		u = &url.URL{Scheme: "https", Host: "instance.invalid", Path: "/" + strings.TrimPrefix(path, "/")}
	}
	resp := &http.Response{StatusCode: status, Header: header, Request: &http.Request{Method: method, URL: u}}
	ev := map[string]string{EvPath: where, EvStatus: fmt.Sprint(status)}
	if method != "" {
		ev[EvMethod] = method
	}
	if path != "" {
		ev[EvURL] = path
	}
	if ct := header.Get("Content-Type"); ct != "" {
		ev[EvContentType] = ct
	}
	r := &run{now: time.Now, p: profiles.Profile{}}
	fs := r.classifyAPI(method, resp, body, ev, nil, false)
	for i := range fs {
		fs[i].Message = strings.TrimSpace(fs[i].Message)
		if path == "" {
			delete(fs[i].Evidence, EvPath)
		}
	}
	return fs
}
