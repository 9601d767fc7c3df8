package forgetest

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// RateLimit describes a rate limit to trip on the next matching request.
type RateLimit struct {
	// Secondary selects a secondary (abuse) limit; otherwise the primary
	// limit is exhausted (X-RateLimit-Remaining: 0) until now+For.
	Secondary bool
	// For is how long the limit holds, counted on the fake's clock.
	For time.Duration
	// Method and Path select the triggering request as in Fault.
	Method, Path string
	// Status is 403 (default) or 429.
	Status int
	// NoRetryAfter omits Retry-After from secondary-limit responses.
	NoRetryAfter bool
}

// RateLimitNext trips a rate limit on the next request matching rl. While it
// holds, every request is refused the way GitHub does.
func (f *Fake) RateLimitNext(rl RateLimit) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if rl.Status == 0 {
		rl.Status = http.StatusForbidden
	}
	f.rateTriggers = append(f.rateTriggers, rl)
}

// SetRateRemaining sets the primary quota left in the current window and
// when the window resets.
func (f *Fake) SetRateRemaining(remaining int, reset time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rateRemaining = remaining
	f.rateReset = reset.Truncate(time.Second)
}

// spendQuota sets the X-RateLimit-* headers GitHub sends on every response
// and spends one unit of the primary quota. It reports whether the quota
// was already exhausted.
func (f *Fake) spendQuota(w http.ResponseWriter, now time.Time) (exhausted bool) {
	if !now.Before(f.rateReset) {
		f.rateRemaining = f.rateLimit
		f.rateReset = now.Add(time.Hour).Truncate(time.Second)
	}
	exhausted = f.rateRemaining <= 0
	if !exhausted {
		f.rateRemaining--
	}
	f.setRateHeaders(w)
	return exhausted
}

func (f *Fake) setRateHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(f.rateLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(f.rateRemaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(f.rateReset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(f.rateLimit-f.rateRemaining))
	h.Set("X-RateLimit-Resource", "core")
}

// rateLimited trips pending triggers and refuses the request while a limit holds.
// Bodies follow https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api.
func (f *Fake) rateLimited(w http.ResponseWriter, method, path string, now time.Time, exhausted bool) bool {
	status := http.StatusForbidden
	noRetryAfter := false
	for i, rl := range f.rateTriggers {
		if !f.matches(rl.Method, rl.Path, method, path) {
			continue
		}
		f.rateTriggers = append(f.rateTriggers[:i], f.rateTriggers[i+1:]...)
		status, noRetryAfter = rl.Status, rl.NoRetryAfter
		if rl.Secondary {
			f.secondaryUntil = now.Add(rl.For)
		} else {
			f.rateRemaining = 0
			f.rateReset = now.Add(rl.For).Truncate(time.Second)
			f.setRateHeaders(w)
			exhausted = true
		}
		break
	}
	if exhausted {
		writeError(w, status, "API rate limit exceeded for installation ID 1. If you reach out to GitHub Support for help, please include the request ID.",
			"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting")
		return true
	}
	if now.Before(f.secondaryUntil) {
		if !noRetryAfter {
			secs := int(math.Ceil(f.secondaryUntil.Sub(now).Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		}
		writeError(w, status, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits")
		return true
	}
	return false
}
