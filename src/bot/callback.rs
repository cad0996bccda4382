//! The data behind the buttons under an answer ("更多", "上下文"), within Telegram's 64 bytes.
//!
//! "上下文" carries the sentence number (`c:4.5.2`). "更多" carries how many quotes were already
//! shown and the question: the question itself when it fits (`m:3:t:大同GDP`), which survives a
//! restart, else a key into [`QuestionStore`] (`m:3:k:<epoch>.<id>`), which a restart or enough
//! newer questions make stale. Anything else — old formats, other bots' data, forged data — is a
//! [`BadData`], never a panic; a forged question is only a question.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::corpus::SentenceId;

/// Telegram's limit on callback data.
pub const MAX_DATA_BYTES: usize = 64;

/// The most quotes "更多" may skip; past it a button is not ours.
pub const MAX_SKIP: usize = 200;

/// Questions remembered for "更多" buttons whose question is too long to carry.
const STORE_CAPACITY: usize = 10_000;

/// What a button asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The next quotes for a question, after the first `skip`.
    More { question: QuestionRef, skip: usize },
    /// The context of a cited sentence.
    Context(SentenceId),
    /// An admin's answer to "remove document N?".
    Remove { number: u32, confirmed: bool },
}

/// A question as a button carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionRef {
    Text(String),
    Stored { epoch: u32, id: u32 },
}

/// Callback data that is not a button of this bot (or of this run of it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadData {
    /// Not in any format this bot writes.
    #[error("not a button of this bot")]
    Unknown,
    /// A stored question that is no longer remembered.
    #[error("the button has expired")]
    Expired,
}

/// The callback data of `action`, at most [`MAX_DATA_BYTES`] bytes.
pub fn encode(action: &Action) -> String {
    match action {
        Action::Context(id) => format!("c:{}.{}.{}", id.doc, id.para, id.sent),
        Action::Remove { number, confirmed } => {
            format!("r:{number}:{}", if *confirmed { "y" } else { "n" })
        }
        Action::More {
            question: QuestionRef::Text(text),
            skip,
        } => format!("m:{skip}:t:{text}"),
        Action::More {
            question: QuestionRef::Stored { epoch, id },
            skip,
        } => format!("m:{skip}:k:{epoch:x}.{id:x}"),
    }
}

/// Reads callback data written by [`encode`].
pub fn decode(data: &str) -> Result<Action, BadData> {
    let mut fields = data.splitn(4, ':');
    match (fields.next(), fields.next(), fields.next(), fields.next()) {
        (Some("c"), Some(reference), None, None) => {
            let id: SentenceId = reference.parse().map_err(|_| BadData::Unknown)?;
            Ok(Action::Context(id))
        }
        (Some("r"), Some(number), Some(answer @ ("y" | "n")), None) => Ok(Action::Remove {
            number: number.parse().map_err(|_| BadData::Unknown)?,
            confirmed: answer == "y",
        }),
        (Some("m"), Some(skip), Some(kind), Some(rest)) => {
            let skip: usize = skip
                .parse()
                .ok()
                .filter(|skip| *skip <= MAX_SKIP)
                .ok_or(BadData::Unknown)?;
            let question = match kind {
                "t" if !rest.trim().is_empty() => QuestionRef::Text(rest.to_string()),
                "k" => {
                    let (epoch, id) = rest.split_once('.').ok_or(BadData::Unknown)?;
                    let hex = |text: &str| u32::from_str_radix(text, 16).ok();
                    match (hex(epoch), hex(id)) {
                        (Some(epoch), Some(id)) => QuestionRef::Stored { epoch, id },
                        _ => return Err(BadData::Unknown),
                    }
                }
                _ => return Err(BadData::Unknown),
            };
            Ok(Action::More { question, skip })
        }
        _ => Err(BadData::Unknown),
    }
}

/// Questions too long to ride in a button, remembered for this run (oldest forgotten first).
pub struct QuestionStore {
    /// Differs between runs, so a key from an earlier run is recognised as stale.
    epoch: u32,
    inner: Mutex<StoreInner>,
}

#[derive(Default)]
struct StoreInner {
    next_id: u32,
    questions: HashMap<u32, String>,
    order: VecDeque<u32>,
}

impl QuestionStore {
    /// A store for one run; `epoch` must differ from earlier runs' (e.g. from the clock).
    pub fn new(epoch: u32) -> Self {
        Self {
            epoch,
            inner: Mutex::new(StoreInner::default()),
        }
    }

    /// The "更多" action for `question`, skipping `skip` quotes: the question itself if it
    /// fits in the data, else a key to it.
    pub fn more(&self, question: &str, skip: usize) -> Action {
        let inline = Action::More {
            question: QuestionRef::Text(question.to_string()),
            skip,
        };
        if encode(&inline).len() <= MAX_DATA_BYTES && !question.trim().is_empty() {
            return inline;
        }
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let id = inner.next_id;
        inner.next_id = inner.next_id.wrapping_add(1);
        inner.questions.insert(id, question.to_string());
        inner.order.push_back(id);
        while inner.order.len() > STORE_CAPACITY {
            if let Some(old) = inner.order.pop_front() {
                inner.questions.remove(&old);
            }
        }
        Action::More {
            question: QuestionRef::Stored {
                epoch: self.epoch,
                id,
            },
            skip,
        }
    }

    /// The question a button carries, or [`BadData::Expired`].
    pub fn resolve(&self, question: &QuestionRef) -> Result<String, BadData> {
        match question {
            QuestionRef::Text(text) => Ok(text.clone()),
            QuestionRef::Stored { epoch, .. } if *epoch != self.epoch => Err(BadData::Expired),
            QuestionRef::Stored { id, .. } => self
                .inner
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .questions
                .get(id)
                .cloned()
                .ok_or(BadData::Expired),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(data: &str, expected: Result<Action, BadData>) {
        assert_eq!(decode(data), expected, "{data:?}");
    }

    #[test]
    fn reads_what_it_writes_within_64_bytes() {
        let store = QuestionStore::new(7);
        let long = "大同".repeat(100);
        let actions = [
            Action::Context(SentenceId {
                doc: 4,
                para: 125,
                sent: 33,
            }),
            store.more("大同2021年地区生产总值是多少", 3),
            store.more(&long, 200),
            store.more("a:b:c", 0),
        ];
        for action in actions {
            let data = encode(&action);
            assert!(data.len() <= MAX_DATA_BYTES, "{data}");
            assert_eq!(decode(&data), Ok(action.clone()));
        }
        let Action::More { question, .. } = store.more(&long, 3) else {
            panic!("a more action")
        };
        assert_eq!(store.resolve(&question), Ok(long.clone()));
        assert_eq!(
            QuestionStore::new(8).resolve(&question),
            Err(BadData::Expired),
            "a key from another run is stale"
        );
    }

    #[test]
    fn refuses_data_that_is_not_ours() {
        let sentence = SentenceId {
            doc: 4,
            para: 5,
            sent: 2,
        };
        check("c:4.5.2", Ok(Action::Context(sentence)));
        check("", Err(BadData::Unknown));
        check("c:", Err(BadData::Unknown));
        check("c:4.0.2", Err(BadData::Unknown));
        check("c:4.5.2:x", Err(BadData::Unknown));
        check("m:3:t:", Err(BadData::Unknown));
        check("m:-1:t:大同", Err(BadData::Unknown));
        check("m:99999999999999999999:t:大同", Err(BadData::Unknown));
        check("m:201:t:大同", Err(BadData::Unknown));
        check("m:3:k:zz.1", Err(BadData::Unknown));
        check("m:3:x:大同", Err(BadData::Unknown));
        check("buy_item_42", Err(BadData::Unknown));
        check(
            "m:3:t:大同:GDP",
            Ok(Action::More {
                question: QuestionRef::Text("大同:GDP".into()),
                skip: 3,
            }),
        );
    }

    #[test]
    fn forgets_the_oldest_questions() {
        let store = QuestionStore::new(1);
        let long = |n: usize| format!("{n}{}", "长".repeat(30));
        let first = store.more(&long(0), 0);
        for n in 1..=STORE_CAPACITY {
            store.more(&long(n), 0);
        }
        let Action::More { question, .. } = first else {
            panic!("a more action")
        };
        assert_eq!(store.resolve(&question), Err(BadData::Expired));
    }
}
