//! When to try a request again and how long to wait first: exponential backoff with full jitter
//! for GitHub's transient failures, and GitHub's rate-limit headers for its limits.
//!
//! Pure decisions only (no I/O, no clock reads except what the caller passes in), so every rule
//! is unit-tested here; `github.rs` applies them.

use std::time::Duration;

use crypto_box::aead::OsRng;
use crypto_box::aead::rand_core::RngCore;

/// Attempts per request, the first included: every kind of retry counts towards it.
pub const MAX_ATTEMPTS: u32 = 4;

/// Backoff ceiling before the second attempt; it doubles for each later one.
pub const BACKOFF_BASE: Duration = Duration::from_millis(500);

/// The largest backoff ceiling (0.5 s, 1 s, 2 s for attempts 2, 3, 4).
pub const BACKOFF_CAP: Duration = Duration::from_secs(2);

/// GitHub: after a secondary rate limit without `retry-after`, "wait for at least one minute",
/// and exponentially longer if it happens again.
pub const SECONDARY_FLOOR: Duration = Duration::from_secs(60);

/// Retry settings of one run.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_attempts: u32,
    /// The longest single rate-limit wait (input `max_wait`); a longer one fails at once.
    pub max_wait: Duration,
}

impl Policy {
    pub fn new(max_wait: Duration) -> Self {
        Policy {
            max_attempts: MAX_ATTEMPTS,
            max_wait,
        }
    }
}

/// The rate-limit headers of a response, as sent (absent ones `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateHeaders {
    pub retry_after: Option<String>,
    pub remaining: Option<String>,
    pub reset: Option<String>,
}

/// Which limit a 403/429 is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// `x-ratelimit-remaining: 0`: the hourly quota is used up until `x-ratelimit-reset`.
    Primary,
    /// GitHub's secondary (abuse) limits: too many requests or writes too fast.
    Secondary,
}

impl Limit {
    pub fn describe(self) -> &'static str {
        match self {
            Limit::Primary => "GitHub's primary rate limit (the token's hourly quota is used up)",
            Limit::Secondary => "GitHub's secondary rate limit",
        }
    }
}

/// Why a request is worth another attempt, and how long to wait before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    /// A rate limit; `wait` comes from GitHub's headers (or the 60 s floor).
    RateLimited { limit: Limit, wait: Duration },
    /// A transient failure (5xx, connection, timeout); `wait` is backoff or `retry-after`.
    Transient { wait: Duration },
}

impl Retry {
    pub fn wait(&self) -> Duration {
        match self {
            Retry::RateLimited { wait, .. } | Retry::Transient { wait } => *wait,
        }
    }
}

/// Whether a 403 or 429 is a rate limit, from its headers and GitHub's message.
///
/// A 403 is a rate limit only with `retry-after`, `x-ratelimit-remaining: 0`, or a message about
/// rate limits; any other 403 is a permission failure and is not retried.
pub fn rate_limit(status: u16, headers: &RateHeaders, message: Option<&str>) -> Option<Limit> {
    if status != 403 && status != 429 {
        return None;
    }
    let exhausted = headers.remaining.as_deref().map(str::trim) == Some("0");
    let mentions = message.is_some_and(|m| {
        let m = m.to_ascii_lowercase();
        m.contains("rate limit") || m.contains("abuse detection")
    });
    if exhausted {
        Some(Limit::Primary)
    } else if headers.retry_after.is_some() || mentions || status == 429 {
        Some(Limit::Secondary)
    } else {
        None
    }
}

/// `retry-after` in seconds (GitHub sends whole seconds); anything else is ignored.
pub fn retry_after(headers: &RateHeaders) -> Option<Duration> {
    headers
        .retry_after
        .as_deref()
        .and_then(whole_seconds)
        .map(Duration::from_secs)
}

/// A header's whole number of seconds; a number too large for 64 bits is the largest one (a
/// wait no `max_wait` allows), not a reason to fall back to a short default.
fn whole_seconds(v: &str) -> Option<u64> {
    let v = v.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(v.parse::<u64>().unwrap_or(u64::MAX))
}

/// How long GitHub asks us to wait for a rate limit.
///
/// `retry-after` wins; a primary limit waits until `x-ratelimit-reset` (epoch seconds; at least
/// 1 s, in case the clocks disagree); otherwise the secondary floor, doubled for each earlier
/// secondary wait of the same request.
pub fn rate_limit_wait(
    limit: Limit,
    headers: &RateHeaders,
    now_unix: Duration,
    earlier_secondary_waits: u32,
) -> Duration {
    if let Some(wait) = retry_after(headers) {
        return wait;
    }
    let reset = headers.reset.as_deref().and_then(whole_seconds);
    match (limit, reset) {
        (Limit::Primary, Some(reset)) => Duration::from_secs(reset)
            .saturating_sub(now_unix)
            .max(Duration::from_secs(1)),
        _ => SECONDARY_FLOOR.saturating_mul(1 << earlier_secondary_waits.min(6)),
    }
}

/// Whether a status is one of GitHub's transient server failures.
pub fn is_transient_status(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

/// Full-jitter backoff before attempt `next` (2, 3, …): uniform in
/// `[0, min(cap, base × 2^(next−2))]`, given a uniform `random` in `[0, 1)`.
pub fn backoff(next: u32, random: f64) -> Duration {
    let ceiling = BACKOFF_BASE
        .saturating_mul(1 << next.saturating_sub(2).min(16))
        .min(BACKOFF_CAP);
    ceiling.mul_f64(random.clamp(0.0, 1.0))
}

/// A uniform random number in `[0, 1)` from the OS generator.
pub fn random_unit() -> f64 {
    (OsRng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Seconds for messages: whole seconds from 10 s on, one decimal below.
pub fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if d.as_secs() > 366 * 86_400 {
        "more than a year".to_string()
    } else if s >= 10.0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{s:.1} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(
        retry_after: Option<&str>,
        remaining: Option<&str>,
        reset: Option<&str>,
    ) -> RateHeaders {
        RateHeaders {
            retry_after: retry_after.map(str::to_string),
            remaining: remaining.map(str::to_string),
            reset: reset.map(str::to_string),
        }
    }

    #[test]
    fn a_permission_403_is_not_a_rate_limit() {
        let none = RateHeaders::default();
        assert_eq!(
            rate_limit(403, &none, Some("Resource not accessible by integration")),
            None
        );
        assert_eq!(rate_limit(403, &none, None), None);
        // Quota left, no retry-after, no rate-limit words: permission.
        let plenty = headers(None, Some("4999"), Some("1700000000"));
        assert_eq!(
            rate_limit(403, &plenty, Some("Must have admin rights")),
            None
        );
        assert_eq!(rate_limit(404, &headers(Some("1"), None, None), None), None);
    }

    #[test]
    fn rate_limits_are_recognised_by_headers_or_message() {
        let none = RateHeaders::default();
        assert_eq!(
            rate_limit(403, &headers(None, Some("0"), Some("1")), None),
            Some(Limit::Primary)
        );
        assert_eq!(
            rate_limit(429, &headers(None, Some("0"), None), None),
            Some(Limit::Primary)
        );
        assert_eq!(
            rate_limit(403, &headers(Some("30"), Some("4000"), None), None),
            Some(Limit::Secondary)
        );
        assert_eq!(
            rate_limit(
                403,
                &none,
                Some("You have exceeded a secondary rate limit. Please wait a few minutes")
            ),
            Some(Limit::Secondary)
        );
        assert_eq!(rate_limit(429, &none, None), Some(Limit::Secondary));
    }

    #[test]
    fn waits_follow_githubs_headers() {
        let now = Duration::from_secs(1_700_000_000);
        let h = headers(Some("7"), Some("0"), Some("1700000100"));
        assert_eq!(
            rate_limit_wait(Limit::Primary, &h, now, 0),
            Duration::from_secs(7)
        );
        let h = headers(None, Some("0"), Some("1700000100"));
        assert_eq!(
            rate_limit_wait(Limit::Primary, &h, now, 0),
            Duration::from_secs(100)
        );
        // A reset already past (clock skew) still waits a moment rather than hammering.
        let h = headers(None, Some("0"), Some("1699999990"));
        assert_eq!(
            rate_limit_wait(Limit::Primary, &h, now, 0),
            Duration::from_secs(1)
        );
        let none = RateHeaders::default();
        assert_eq!(
            rate_limit_wait(Limit::Secondary, &none, now, 0),
            SECONDARY_FLOOR
        );
        assert_eq!(
            rate_limit_wait(Limit::Secondary, &none, now, 2),
            Duration::from_secs(240)
        );
        // A retry-after that is not a number falls back to the floor, never to zero.
        let h = headers(Some("soon"), None, None);
        assert_eq!(
            rate_limit_wait(Limit::Secondary, &h, now, 0),
            SECONDARY_FLOOR
        );
        // A reset past 64 bits is as far off as can be said, not the 60 s floor.
        let h = headers(None, Some("0"), Some("100000000000000000000"));
        let wait = rate_limit_wait(Limit::Primary, &h, now, 0);
        assert!(wait > Duration::from_secs(1 << 60), "{wait:?}");
        assert_eq!(secs(wait), "more than a year");
    }

    #[test]
    fn backoff_is_full_jitter_under_a_doubling_cap() {
        assert_eq!(backoff(2, 0.0), Duration::ZERO);
        assert_eq!(
            backoff(2, 0.999_999),
            Duration::from_millis(500).mul_f64(0.999_999)
        );
        assert_eq!(backoff(3, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(4, 1.0), Duration::from_secs(2));
        assert_eq!(backoff(40, 1.0), BACKOFF_CAP);
        for _ in 0..1000 {
            let r = random_unit();
            assert!((0.0..1.0).contains(&r));
        }
    }

    #[test]
    fn only_githubs_transient_statuses_are_retried() {
        for s in [500, 502, 503, 504] {
            assert!(is_transient_status(s));
        }
        for s in [400, 401, 403, 404, 409, 422, 429, 501, 505] {
            assert!(!is_transient_status(s));
        }
    }
}
