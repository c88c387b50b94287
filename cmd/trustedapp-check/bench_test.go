package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/profiles"
)

// peakSampler samples the heap in use and the goroutine count until stopped.
type peakSampler struct {
	stop       chan struct{}
	done       sync.WaitGroup
	heap       uint64
	goroutines int
}

func samplePeaks(every time.Duration) *peakSampler {
	s := &peakSampler{stop: make(chan struct{})}
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			s.heap = max(s.heap, ms.HeapInuse)
			s.goroutines = max(s.goroutines, runtime.NumGoroutine())
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *peakSampler) finish() { close(s.stop); s.done.Wait() }

// BenchmarkCheckAll runs `check --all --parallel 16 --junit` over stored profiles on
// many instances (10 per host; 500 profiles on 50 hosts is the target) and reports
// the peak heap growth (total and per profile), the peak goroutine count and the most
// requests any one host served at once, which must be 1: never two checks against one
// host at the same time.
func BenchmarkCheckAll(b *testing.B) {
	for _, hosts := range []int{10, 50} {
		b.Run(fmt.Sprintf("%dprofiles-%dhosts", hosts*10, hosts), func(b *testing.B) { benchCheckAll(b, hosts, 10) })
	}
}

func benchCheckAll(b *testing.B, hosts, perHost int) {
	keyring.MockInit()
	secret := "s3cret-for-all-of-them"
	b.Setenv(SecretEnv, "")
	var instances []*hostile.Instance
	path := filepath.Join(b.TempDir(), "profiles.json")
	st, err := profiles.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	for h := 0; h < hosts; h++ {
		in := hostile.New(b, secret)
		instances = append(instances, in)
		for i := 0; i < perHost; i++ {
			name := fmt.Sprintf("host%02d-app%02d", h, i)
			p := profiles.Profile{Name: name, InstanceURL: in.URL, ClientID: hostile.ClientID, Scopes: []string{"read", "update"},
				Calls: []profiles.APICall{{Method: "GET", Path: "/api/domain/odata/Crm_Sales_Customers?$top=5"}}}
			if err := st.Add(p); err != nil {
				b.Fatal(err)
			}
			if err := newSecrets().Set(name, secret); err != nil {
				b.Fatal(err)
			}
		}
	}
	junit := filepath.Join(b.TempDir(), "junit.xml")
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		s := samplePeaks(5 * time.Millisecond)
		var errb strings.Builder
		code := run(env{ctx: context.Background(), args: []string{"check", "--all", "--parallel", "16", "--store", path, "--junit", junit},
			stdin: strings.NewReader(""), stdout: io.Discard, stderr: &errb})
		s.finish()
		if code != exitOK {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
		growth := float64(s.heap - min(s.heap, before.HeapInuse))
		b.ReportMetric(growth/(1<<20), "peak-heap-growth-MiB")
		b.ReportMetric(growth/float64(hosts*perHost)/(1<<10), "peak-heap-KiB/profile")
		b.ReportMetric(float64(s.goroutines), "peak-goroutines")
	}
	worst := 0
	for _, in := range instances {
		worst = max(worst, in.MaxInFlight())
	}
	b.ReportMetric(float64(worst), "max-requests-per-host-at-once")
	if worst != 1 {
		b.Fatalf("a host served %d requests at once: two checks ran against it together", worst)
	}
}
