package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/audit"
	"trustedapp-tester/internal/testdir"
)

// The tests against a real Prometheus: Debian's prometheus package (2.42), with
// promtool. Without it they skip, saying so; TRUSTEDAPP_REQUIRE_PROMETHEUS=1 (make
// test-prometheus) turns the skip into a failure.

const alertsDir = "../../packaging/prometheus"

// needProm returns the path of the named program (promtool, prometheus) or skips.
func needProm(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("TRUSTEDAPP_REQUIRE_PROMETHEUS") == "1" {
			t.Fatalf("TRUSTEDAPP_REQUIRE_PROMETHEUS=1 but %s is not on PATH: install Debian's prometheus package (scripts/install-deps.sh)", name)
		}
		t.Skipf("%s is not on PATH: install Debian's prometheus package (scripts/install-deps.sh) to run this test (make test-prometheus)", name)
	}
	return p
}

// promtool runs promtool with args (in dir, stdin) and fails the test unless it
// exits 0.
func promtool(t *testing.T, dir string, stdin []byte, args ...string) string {
	t.Helper()
	cmd := exec.Command(needProm(t, "promtool"), args...)
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// The alert rules file is valid, and each alert fires when it should (its unit tests).
func TestPrometheusAlertRules(t *testing.T) {
	out := promtool(t, alertsDir, nil, "check", "rules", "trustedapp-alerts.yml")
	if !strings.Contains(out, "SUCCESS: 3 rules found") {
		t.Errorf("check rules:\n%s", out)
	}
	if out := promtool(t, alertsDir, nil, "test", "rules", "trustedapp-alerts_test.yml"); !strings.Contains(out, "SUCCESS") {
		t.Errorf("test rules:\n%s", out)
	}
}

// A Prometheus server scrapes watch --listen against the sandbox: promtool accepts
// the exposition, and through Prometheus's HTTP API the failing profile's success is
// 0 and the healthy one's 1; the alert rules load and evaluate.
func TestPrometheusScrapesWatch(t *testing.T) {
	prom := needProm(t, "prometheus")
	needProm(t, "promtool")
	s := startSandbox(t)
	store := storeWith(t, s, "healthy", "disabled")
	t.Setenv(SecretEnv, "")
	t.Setenv(audit.EnvPath, filepath.Join(testdir.New(t), "audit.jsonl"))
	_, metricsURL, stop := startWatch(t, "--all", "--store", store, "--listen", "127.0.0.1:0", "--every", "10s")
	defer stop()

	// What Prometheus will read passes promtool's lint.
	var body []byte
	waitFor(t, 30*time.Second, "a whole round in /metrics", func() bool {
		body = httpGet(t, metricsURL)
		return bytes.Contains(body, []byte("trustedapp_watch_rounds_total 1"))
	})
	if out := promtool(t, ".", body, "check", "metrics"); strings.TrimSpace(out) != "" {
		t.Errorf("promtool check metrics:\n%s", out)
	}

	// The server: a free port on the loopback, a temporary config and database.
	dir := testdir.New(t)
	rules, err := filepath.Abs(filepath.Join(alertsDir, "trustedapp-alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(metricsURL)
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [%q]
scrape_configs:
  - job_name: trustedapp
    metrics_path: /metrics
    static_configs:
      - targets: [%q]
`, rules, u.Host)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	api := "http://" + port
	var log bytes.Buffer
	cmd := exec.Command(prom, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+port, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("prometheus's log:\n%s", log.String())
		}
	}()

	success := map[string]string{}
	waitFor(t, 60*time.Second, "both profiles' trustedapp_check_success in Prometheus", func() bool {
		res, ok := promQuery(api, `trustedapp_check_success{job="trustedapp"}`)
		if !ok {
			return false
		}
		for _, r := range res {
			success[r.Metric["profile"]] = r.Value[1].(string)
		}
		return len(success) == 2
	})
	if success["healthy"] != "1" || success["disabled"] != "0" {
		t.Errorf("success in Prometheus: %v", success)
	}
	// The verdict label set and the token expiry came through too.
	if res, ok := promQuery(api, `trustedapp_check_verdict{profile="disabled",verdict="fail"} == 1`); !ok || len(res) != 1 {
		t.Errorf("verdict of disabled: %v %v", res, ok)
	}
	if res, ok := promQuery(api, `trustedapp_token_expiry_timestamp_seconds{profile="healthy"} > time()`); !ok || len(res) != 1 {
		t.Errorf("token expiry of healthy: %v %v", res, ok)
	}
	// The rules loaded and evaluate without errors; the failing check is pending or
	// firing (its for: is 2m).
	waitFor(t, 30*time.Second, "the alert rules evaluated", func() bool {
		var rules struct {
			Data struct {
				Groups []struct {
					Rules []struct {
						Name, Health, State string
					}
				}
			}
		}
		if json.Unmarshal(httpGet(t, api+"/api/v1/rules"), &rules) != nil || len(rules.Data.Groups) != 1 {
			return false
		}
		states := map[string]string{}
		for _, r := range rules.Data.Groups[0].Rules {
			if r.Health != "ok" {
				return false
			}
			states[r.Name] = r.State
		}
		return len(states) == 3 && states["TrustedAppCheckFailing"] != "inactive" && states["TrustedAppWatchStopped"] == "inactive"
	})
}

type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  []any             `json:"value"`
}

// promQuery asks Prometheus's HTTP API for an instant query.
func promQuery(api, q string) ([]promSample, bool) {
	resp, err := http.Get(api + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Data   struct {
			Result []promSample `json:"result"`
		} `json:"data"`
	}
	if json.NewDecoder(resp.Body).Decode(&r) != nil || r.Status != "success" {
		return nil, false
	}
	return r.Data.Result, true
}

func httpGet(t *testing.T, u string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b
}

// waitFor polls cond until it holds or the time is up (then the test fails).
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s", what, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// freePort is a loopback address with a port nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
