//! Counters for `/stats` and the benchmark: questions, answers, refusals, and how long the
//! handler took per question (a window of the latest timings, for p50/p99).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::percentile::percentile;

/// Timings kept for percentiles.
const TIMINGS_KEPT: usize = 100_000;

/// What the bot has done since it started.
pub struct Stats {
    started: Instant,
    /// Questions answered with at least one quote.
    pub answered: AtomicU64,
    /// Questions answered with "not found" (or "no question").
    pub not_found: AtomicU64,
    /// Inline queries answered.
    pub inline_queries: AtomicU64,
    /// Buttons pressed.
    pub callbacks: AtomicU64,
    /// Chats or users refused: not allowed, or admin commands from others.
    pub refusals: AtomicU64,
    /// Questions over the per-user limit.
    pub rate_limited: AtomicU64,
    /// Updates whose handling failed (each answered with an apology where possible).
    pub errors: AtomicU64,
    timings: Mutex<VecDeque<Duration>>,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsSnapshot {
    pub uptime: Duration,
    pub answered: u64,
    pub not_found: u64,
    pub inline_queries: u64,
    pub callbacks: u64,
    pub refusals: u64,
    pub rate_limited: u64,
    pub errors: u64,
    /// Questions timed (at most the latest 100 000).
    pub n_timed: usize,
    pub p50: Duration,
    pub p99: Duration,
}

impl Stats {
    /// Counters at zero, uptime counted from now.
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            answered: AtomicU64::new(0),
            not_found: AtomicU64::new(0),
            inline_queries: AtomicU64::new(0),
            callbacks: AtomicU64::new(0),
            refusals: AtomicU64::new(0),
            rate_limited: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            timings: Mutex::new(VecDeque::new()),
        }
    }

    /// Records how long the handler took for one question.
    pub fn time(&self, took: Duration) {
        let mut timings = self.timings.lock().unwrap_or_else(|p| p.into_inner());
        if timings.len() == TIMINGS_KEPT {
            timings.pop_front();
        }
        timings.push_back(took);
    }

    /// The counters now.
    pub fn snapshot(&self) -> StatsSnapshot {
        let mut timings: Vec<Duration> = self
            .timings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .copied()
            .collect();
        timings.sort_unstable();
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        StatsSnapshot {
            uptime: self.started.elapsed(),
            answered: load(&self.answered),
            not_found: load(&self.not_found),
            inline_queries: load(&self.inline_queries),
            callbacks: load(&self.callbacks),
            refusals: load(&self.refusals),
            rate_limited: load(&self.rate_limited),
            errors: load(&self.errors),
            n_timed: timings.len(),
            p50: percentile(&timings, 50),
            p99: percentile(&timings, 99),
        }
    }
}

impl Default for Stats {
    fn default() -> Self {
        Self::new()
    }
}
