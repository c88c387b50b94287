package fleet

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// The scheduler: every index runs once, never two of one host at a time, never
// more than parallel at once, and with many hosts all workers are used.
func TestForEachPerHost(t *testing.T) {
	for _, tc := range []struct{ hosts, perHost, parallel int }{{1, 5, 4}, {3, 4, 2}, {10, 3, 4}, {5, 1, 16}, {0, 0, 4}} {
		var hosts []string
		for h := 0; h < tc.hosts; h++ {
			for i := 0; i < tc.perHost; i++ {
				hosts = append(hosts, fmt.Sprintf("h%d", h))
			}
		}
		var mu sync.Mutex
		running := map[string]int{}
		ran := make([]int, len(hosts))
		now, most, started := 0, 0, 0
		// The first min(parallel, hosts) runs wait for each other: they can only all
		// start if the scheduler runs that many at once.
		want := min(tc.parallel, tc.hosts)
		all := make(chan struct{})
		ForEachPerHost(context.Background(), hosts, tc.parallel, func(i int) {
			mu.Lock()
			running[hosts[i]]++
			if running[hosts[i]] > 1 {
				t.Errorf("%+v: two runs on %s at once", tc, hosts[i])
			}
			now++
			most = max(most, now)
			ran[i]++
			started++
			first := started <= want
			if started == want {
				close(all)
			}
			mu.Unlock()
			if first {
				select {
				case <-all:
				case <-time.After(10 * time.Second):
					t.Errorf("%+v: only %d of %d runs could start together", tc, started, want)
				}
			}
			mu.Lock()
			running[hosts[i]]--
			now--
			mu.Unlock()
		})
		for i, n := range ran {
			if n != 1 {
				t.Errorf("%+v: index %d ran %d times", tc, i, n)
			}
		}
		if most > tc.parallel {
			t.Errorf("%+v: %d at once, more than %d", tc, most, tc.parallel)
		}
	}
}

// Once the context ends no new index starts; the one in flight finishes, every
// started index is reported as such, and the workers waiting for a busy host wake up.
func TestForEachPerHostStopsWhenCancelled(t *testing.T) {
	hosts := []string{"a", "a", "a", "b", "b", "b"}
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var ran []int
	both := make(chan struct{})
	started := ForEachPerHost(ctx, hosts, 4, func(i int) {
		mu.Lock()
		ran = append(ran, i)
		n := len(ran)
		mu.Unlock()
		if n == 2 {
			cancel()
			close(both)
		}
		// The two hosts' first indexes are in flight together when the cancel comes.
		select {
		case <-both:
		case <-time.After(10 * time.Second):
			t.Error("the second host's first index never started")
		}
	})
	if len(ran) != 2 {
		t.Fatalf("%d indexes ran after the cancel (%v), want the 2 in flight", len(ran), ran)
	}
	n := 0
	for i, ok := range started {
		if ok {
			n++
			if !slices.Contains(ran, i) {
				t.Errorf("index %d reported started but did not run", i)
			}
		}
	}
	if n != len(ran) {
		t.Errorf("%d reported started, %d ran", n, len(ran))
	}
	// Already cancelled: nothing starts at all.
	if got := ForEachPerHost(ctx, hosts, 2, func(int) { t.Error("ran after cancel") }); slices.Contains(got, true) {
		t.Errorf("started %v", got)
	}
}
