//! The allowed range of every numeric knob of `config/quotebot.toml`, checked when a file is
//! loaded: the ranges keep every value meaningful (no knob that silently refuses every question)
//! and bounded (no knob that allocates without limit). The shipped file documents each range.

use super::Config;

/// The first knob outside its documented range, if any. The ranges keep every value
/// meaningful (no knob that silently refuses every question) and bounded (no knob that
/// allocates without limit).
pub(super) fn out_of_range(config: &Config) -> Option<OutOfRange> {
    let r = &config.retrieval;
    let a = &config.answer;
    let t = &config.telegram;
    let th = &t.throttle;
    let share = |key, value: f32| Knob::float(key, value, 0.0, 1.0, "0 to 1");
    let whole = |key, value: u64, min, max, range| Knob::whole(key, value, min, max, range);
    let knobs = [
        whole(
            "audit_retention_days",
            config.audit_retention_days.into(),
            0,
            36_500,
            "0 to 36500",
        ),
        whole(
            "retrieval.candidates",
            r.candidates as u64,
            1,
            1000,
            "1 to 1000",
        ),
        whole(
            "retrieval.passage_sentences",
            r.passage_sentences as u64,
            0,
            1000,
            "0 to 1000",
        ),
        share("retrieval.min_coverage", r.min_coverage),
        whole(
            "retrieval.decision_depth",
            r.decision_depth as u64,
            1,
            1000,
            "1 to 1000",
        ),
        share("retrieval.max_unknown_share", r.max_unknown_share),
        share("retrieval.synonym_weight", r.synonym_weight),
        share("retrieval.unknown_action_share", r.unknown_action_share),
        share("retrieval.single_char_weight", r.single_char_weight),
        share("retrieval.coverage.inside_word", r.coverage.inside_word),
        share("retrieval.coverage.partial", r.coverage.partial),
        share("retrieval.coverage.topic", r.coverage.topic),
        whole("answer.max_quotes", a.max_quotes as u64, 1, 50, "1 to 50"),
        whole(
            "answer.max_question_chars",
            a.max_question_chars as u64,
            1,
            100_000,
            "1 to 100000",
        ),
        whole("answer.max_sources", a.max_sources as u64, 1, 50, "1 to 50"),
        whole(
            "answer.source_depth",
            a.source_depth as u64,
            0,
            1000,
            "0 to 1000",
        ),
        share("answer.same_text_overlap", a.same_text_overlap),
        share("answer.measure_fit", a.measure_fit),
        share("answer.unit_fit", a.unit_fit),
        whole("answer.over_fetch", a.over_fetch as u64, 1, 100, "1 to 100"),
        whole(
            "telegram.questions_per_minute",
            t.questions_per_minute.into(),
            0,
            10_000,
            "0 to 10000",
        ),
        whole(
            "telegram.inline_queries_per_minute",
            t.inline_queries_per_minute.into(),
            0,
            10_000,
            "0 to 10000",
        ),
        whole(
            "telegram.inline_results",
            t.inline_results as u64,
            1,
            50,
            "1 to 50",
        ),
        whole(
            "telegram.inline_cache_seconds",
            t.inline_cache_seconds.into(),
            0,
            86_400,
            "0 to 86400",
        ),
        whole(
            "telegram.send_retries",
            t.send_retries.into(),
            0,
            20,
            "0 to 20",
        ),
        whole(
            "telegram.retry_backoff_ms",
            t.retry_backoff_ms,
            0,
            600_000,
            "0 to 600000",
        ),
        whole(
            "telegram.shutdown_grace_seconds",
            t.shutdown_grace_seconds,
            0,
            3600,
            "0 to 3600",
        ),
        whole(
            "telegram.throttle.messages_per_sec_chat",
            th.messages_per_sec_chat.into(),
            1,
            1000,
            "1 to 1000",
        ),
        whole(
            "telegram.throttle.messages_per_min_chat",
            th.messages_per_min_chat.into(),
            1,
            100_000,
            "1 to 100000",
        ),
        whole(
            "telegram.throttle.messages_per_min_group",
            th.messages_per_min_group.into(),
            1,
            100_000,
            "1 to 100000",
        ),
        whole(
            "telegram.throttle.messages_per_sec_overall",
            th.messages_per_sec_overall.into(),
            1,
            100_000,
            "1 to 100000",
        ),
    ];
    knobs
        .into_iter()
        .find_map(|knob| knob.out_of_range())
        .or_else(|| {
            (a.today_date().is_none() && !a.today.is_empty()).then(|| OutOfRange {
                key: "answer.today",
                value: format!("{:?}", a.today),
                range: "a date written YYYY-MM-DD, or \"\" for the clock",
            })
        })
}

/// A knob's value against its range.
struct Knob {
    key: &'static str,
    value: f64,
    min: f64,
    max: f64,
    range: &'static str,
    shown: String,
}

/// A knob outside its range, for [`ConfigError::OutOfRange`].
pub(super) struct OutOfRange {
    pub(super) key: &'static str,
    pub(super) value: String,
    pub(super) range: &'static str,
}

impl Knob {
    fn float(key: &'static str, value: f32, min: f64, max: f64, range: &'static str) -> Knob {
        Knob {
            key,
            value: value.into(),
            min,
            max,
            range,
            shown: value.to_string(),
        }
    }

    fn whole(key: &'static str, value: u64, min: u64, max: u64, range: &'static str) -> Knob {
        Knob {
            key,
            value: value as f64,
            min: min as f64,
            max: max as f64,
            range,
            shown: value.to_string(),
        }
    }

    /// NaN and infinities are out of every range.
    fn out_of_range(self) -> Option<OutOfRange> {
        let inside = self.value.is_finite() && self.min <= self.value && self.value <= self.max;
        (!inside).then_some(OutOfRange {
            key: self.key,
            value: self.shown,
            range: self.range,
        })
    }
}
