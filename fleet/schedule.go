package fleet

import (
	"context"
	"sync"
)

// ForEachPerHost calls run(i) for every i in 0..len(hosts)-1 on at most parallel
// goroutines, never for two indexes with the same host at once (ERP.net's documented
// SessionConcurrentRequests is 1), taking hosts in turn so that many hosts keep every
// worker busy. Indexes of one host run in order. Once ctx ends no new call starts (the
// calls in flight are left to notice ctx themselves). It returns when every call
// started has returned, with whether each index was started.
//
// Hosts compare as given: pass them lower-cased (Host does).
func ForEachPerHost(ctx context.Context, hosts []string, parallel int, run func(i int)) (started []bool) {
	started = make([]bool, len(hosts))
	queues := map[string][]int{}
	var order []string // hosts in first-seen order, for turns
	for i, h := range hosts {
		if _, ok := queues[h]; !ok {
			order = append(order, h)
		}
		queues[h] = append(queues[h], i)
	}
	var (
		mu      sync.Mutex
		changed = sync.NewCond(&mu)
		busy    = map[string]bool{}
		left    = len(hosts)
		turn    = 0
	)
	// A cancelled context wakes the workers waiting for a free host.
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		changed.Broadcast()
		mu.Unlock()
	})
	defer stop()
	// next takes the next index of a free host, or -1 when none is left (or ctx ended).
	next := func() (int, string) {
		mu.Lock()
		defer mu.Unlock()
		for left > 0 && ctx.Err() == nil {
			for k := 0; k < len(order); k++ {
				h := order[(turn+k)%len(order)]
				if q := queues[h]; len(q) > 0 && !busy[h] {
					queues[h] = q[1:]
					busy[h] = true
					left--
					turn = (turn + k + 1) % len(order)
					started[q[0]] = true
					return q[0], h
				}
			}
			changed.Wait() // every host with work is busy
		}
		return -1, ""
	}
	done := func(h string) {
		mu.Lock()
		busy[h] = false
		mu.Unlock()
		changed.Broadcast()
	}
	workers := min(max(parallel, 1), len(hosts))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i, h := next()
				if i < 0 {
					return
				}
				run(i)
				done(h)
			}
		}()
	}
	wg.Wait()
	return started
}
