package fyneloop

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// Calls from other goroutines wait for Pump and run in order on the pumping goroutine;
// a waiting call returns only after it ran.
func TestCallsWaitForPump(t *testing.T) {
	loop, _ := Use(t)
	var ran []int
	go fyne.Do(func() { ran = append(ran, 1) })
	returned := make(chan struct{})
	go func() {
		time.Sleep(20 * time.Millisecond)
		fyne.DoAndWait(func() { ran = append(ran, 2) })
		close(returned)
	}()
	time.Sleep(50 * time.Millisecond)
	select {
	case <-returned:
		t.Fatal("DoAndWait returned before the call ran")
	default:
	}
	if len(ran) != 0 {
		t.Fatal("a call ran before Pump")
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(ran) < 2 && time.Now().Before(deadline) {
		loop.Pump()
		time.Sleep(5 * time.Millisecond)
	}
	<-returned
	if len(ran) != 2 || ran[0] != 1 || ran[1] != 2 {
		t.Errorf("ran %v", ran)
	}
	if loop.Pump() {
		t.Error("Pump found calls in an empty queue")
	}
}
