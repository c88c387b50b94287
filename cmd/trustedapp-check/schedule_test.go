package main

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// The --all scheduler: every index runs once, never two of one host at a time, never
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
		forEachPerHost(hosts, tc.parallel, func(i int) {
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
