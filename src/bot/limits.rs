//! The bot's own limits: questions per user per minute, and which failed sends are worth
//! retrying. (Telegram's flood limits are kept by teloxide's `Throttle`, set up in `bot::run`.)

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use teloxide::{ApiError, RequestError};

const WINDOW: Duration = Duration::from_secs(60);

/// Above this many tracked askers, those idle for a whole window are forgotten.
const PRUNE_ABOVE: usize = 10_000;

/// Whether a question may be answered now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Over the limit; `first` is true for the first refusal in the current window, the only
    /// one the asker is told about.
    Limited {
        wait_secs: u64,
        first: bool,
    },
}

/// A sliding one-minute window of questions per asker (a user, or a channel).
pub struct RateLimiter {
    per_minute: u32,
    askers: Mutex<HashMap<i64, Asker>>,
}

#[derive(Default)]
struct Asker {
    asked: VecDeque<Instant>,
    told: bool,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` questions per asker; 0 means no limit.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            askers: Mutex::new(HashMap::new()),
        }
    }

    /// Records a question from `asker` at `now` if it is allowed.
    pub fn check(&self, asker: i64, now: Instant) -> Verdict {
        if self.per_minute == 0 {
            return Verdict::Allowed;
        }
        let mut askers = self.askers.lock().unwrap_or_else(|p| p.into_inner());
        if askers.len() > PRUNE_ABOVE {
            askers.retain(|_, entry| {
                entry
                    .asked
                    .back()
                    .is_some_and(|last| now.duration_since(*last) < WINDOW)
            });
        }
        let entry = askers.entry(asker).or_default();
        while entry
            .asked
            .front()
            .is_some_and(|first| now.duration_since(*first) >= WINDOW)
        {
            entry.asked.pop_front();
        }
        if entry.asked.len() < self.per_minute as usize {
            entry.asked.push_back(now);
            entry.told = false;
            return Verdict::Allowed;
        }
        let oldest = entry.asked.front().copied().unwrap_or(now);
        let wait = WINDOW.saturating_sub(now.duration_since(oldest));
        let first = !entry.told;
        entry.told = true;
        Verdict::Limited {
            wait_secs: wait.as_secs().max(1),
            first,
        }
    }
}

/// Whether a failed send may succeed if tried again: network failures and server errors
/// (Telegram answers 5xx with descriptions teloxide does not know, or with a page that is not
/// JSON). Refusals ("Bad Request", "Forbidden", …) would fail again. Flood control (429) is
/// retried by `Throttle` before the error gets here.
pub fn is_transient(err: &RequestError) -> bool {
    match err {
        RequestError::Network(_) | RequestError::InvalidJson { .. } | RequestError::Io(_) => true,
        RequestError::Api(ApiError::Unknown(description)) => {
            let permanent = [
                "Bad Request",
                "Forbidden",
                "Unauthorized",
                "Conflict",
                "Not Found",
                "Too Many Requests",
            ];
            !permanent
                .iter()
                .any(|prefix| description.starts_with(prefix))
        }
        _ => false,
    }
}

/// The wait before retry number `attempt` (0 for the first retry): `base` doubled each time.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    base.saturating_mul(1 << attempt.min(10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_each_asker_per_minute_and_tells_once() {
        let limiter = RateLimiter::new(2);
        let start = Instant::now();
        let at = |secs: u64| start + Duration::from_secs(secs);
        assert_eq!(limiter.check(1, at(0)), Verdict::Allowed);
        assert_eq!(limiter.check(1, at(10)), Verdict::Allowed);
        assert_eq!(
            limiter.check(2, at(10)),
            Verdict::Allowed,
            "others unaffected"
        );
        assert_eq!(
            limiter.check(1, at(20)),
            Verdict::Limited {
                wait_secs: 40,
                first: true
            }
        );
        assert_eq!(
            limiter.check(1, at(30)),
            Verdict::Limited {
                wait_secs: 30,
                first: false
            }
        );
        assert_eq!(limiter.check(1, at(60)), Verdict::Allowed);
        assert_eq!(RateLimiter::new(0).check(1, at(0)), Verdict::Allowed);
    }

    #[test]
    fn retries_only_what_may_pass_later() {
        let check = |err: RequestError, expected: bool| {
            assert_eq!(is_transient(&err), expected, "{err:?}");
        };
        check(
            RequestError::Api(ApiError::Unknown("Internal Server Error".into())),
            true,
        );
        check(
            RequestError::Api(ApiError::Unknown("Bad Request: something new".into())),
            false,
        );
        check(RequestError::Api(ApiError::BotBlocked), false);
        check(RequestError::Api(ApiError::MessageIsTooLong), false);
        assert_eq!(
            backoff(Duration::from_millis(100), 2),
            Duration::from_millis(400)
        );
    }
}
