//! Judging one attempt: done, wait and retry, or fail, per the rules of [`super::retry`].

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::decode::{api_error, status_line, strip_query};
use super::retry::{self, Limit, Policy, Retry};
use super::transport::{Response, Transport};
use crate::model::ApiError;

/// Where one request is in its attempts.
pub struct Tries {
    /// The attempt being judged, from 1.
    pub attempt: u32,
    pub started: Instant,
    /// Secondary-limit waits so far without `retry-after` (each doubles the next).
    pub secondary_waits: u32,
}

impl Tries {
    pub fn new() -> Self {
        Tries {
            attempt: 1,
            started: Instant::now(),
            secondary_waits: 0,
        }
    }

    fn last(&self, policy: &Policy) -> bool {
        self.attempt >= policy.max_attempts
    }

    /// Adds "gave up after N attempts in T" to an error.
    fn gave_up(&self, e: anyhow::Error) -> anyhow::Error {
        e.context(format!(
            "gave up after {} attempts in {}",
            self.attempt,
            retry::secs(self.started.elapsed())
        ))
    }

    /// Adds "failed on attempt N of M" when this was not the first attempt.
    fn after(&self, policy: &Policy, e: anyhow::Error) -> anyhow::Error {
        if self.attempt > 1 {
            e.context(format!(
                "failed on attempt {} of {} after {}",
                self.attempt,
                policy.max_attempts,
                retry::secs(self.started.elapsed())
            ))
        } else {
            e
        }
    }
}

/// What to do after one attempt.
pub enum Step {
    Done(Response),
    Retry {
        retry: Retry,
        why: String,
        /// The attempt may have been applied (a create must look before it retries).
        unknown: bool,
    },
    Fail {
        error: anyhow::Error,
        unknown: bool,
        /// The status GitHub answered with; `None` when no answer came.
        status: Option<u16>,
    },
}

/// What a request is, for judging its answer.
pub struct Call<'a> {
    pub method: &'static str,
    pub path: &'a str,
    pub hint_404: &'a str,
}

/// Judges one attempt: done, wait and retry, or fail (with the attempts said).
pub fn judge(
    policy: &Policy,
    call: &Call,
    tries: &mut Tries,
    result: Result<Response, Transport>,
) -> Step {
    match result {
        Ok(r) if (200..300).contains(&r.status) => Step::Done(r),
        Ok(r) => judge_answer(policy, call, tries, r),
        Err(t) => judge_transport(policy, tries, t),
    }
}

fn judge_transport(policy: &Policy, tries: &Tries, t: Transport) -> Step {
    if t.retryable && !tries.last(policy) {
        return Step::Retry {
            retry: Retry::Transient {
                wait: retry::backoff(tries.attempt + 1, retry::random_unit()),
            },
            why: format!("{:#}", t.error),
            unknown: t.maybe_sent,
        };
    }
    let error = if t.retryable {
        tries.gave_up(t.error)
    } else {
        tries.after(policy, t.error)
    };
    Step::Fail {
        error,
        unknown: t.maybe_sent,
        status: None,
    }
}

/// "asks to wait longer than max_wait": fail at once with what to do.
fn too_long(policy: &Policy, err: ApiError, what: &str, wait: Duration) -> anyhow::Error {
    anyhow::Error::new(err).context(format!(
        "{what} asks to wait {}, longer than max_wait ({}); not waiting. Raise the input `max_wait` (at most 21600 s) to wait it out, or run the step later",
        retry::secs(wait),
        retry::secs(policy.max_wait)
    ))
}

fn judge_answer(policy: &Policy, call: &Call, tries: &mut Tries, response: Response) -> Step {
    let err = api_error(call.method, call.path, &response, call.hint_404);
    if let Some(limit) = retry::rate_limit(response.status, &response.rate, err.message.as_deref())
    {
        return judge_limit(policy, call, tries, &response, err, limit);
    }
    if retry::is_transient_status(response.status) {
        if tries.last(policy) {
            return Step::Fail {
                error: tries.gave_up(err.into()),
                unknown: true,
                status: Some(response.status),
            };
        }
        let wait = retry::retry_after(&response.rate)
            .unwrap_or_else(|| retry::backoff(tries.attempt + 1, retry::random_unit()));
        if wait > policy.max_wait && wait > retry::BACKOFF_CAP {
            return Step::Fail {
                error: too_long(policy, err, "GitHub's retry-after", wait),
                unknown: true,
                status: Some(response.status),
            };
        }
        return Step::Retry {
            retry: Retry::Transient { wait },
            why: status_line(call.method, call.path, response.status),
            unknown: true,
        };
    }
    Step::Fail {
        error: tries.after(policy, err.into()),
        unknown: false,
        status: Some(response.status),
    }
}

fn judge_limit(
    policy: &Policy,
    call: &Call,
    tries: &mut Tries,
    response: &Response,
    mut err: ApiError,
    limit: Limit,
) -> Step {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let wait = retry::rate_limit_wait(limit, &response.rate, now, tries.secondary_waits);
    err.hint = Some(
        "GitHub limits how fast and how much a token may request; see https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"
            .to_string(),
    );
    if wait > policy.max_wait {
        return Step::Fail {
            error: too_long(policy, err, limit.describe(), wait),
            unknown: false,
            status: Some(response.status),
        };
    }
    if tries.last(policy) {
        return Step::Fail {
            error: tries.gave_up(err.into()),
            unknown: false,
            status: Some(response.status),
        };
    }
    if limit == Limit::Secondary && retry::retry_after(&response.rate).is_none() {
        tries.secondary_waits += 1;
    }
    Step::Retry {
        retry: Retry::RateLimited { limit, wait },
        why: format!(
            "{} on {} {}",
            limit.describe(),
            call.method,
            strip_query(call.path)
        ),
        unknown: false,
    }
}
