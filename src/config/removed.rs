//! Keys of `config/quotebot.toml` that earlier versions had: a file that still sets one is
//! refused like any unknown key, but the error says what became of it.

/// A removed key a file sets, with what became of it.
pub(super) struct Removed {
    pub(super) key: &'static str,
    pub(super) why: &'static str,
}

/// Dotted key, and what became of it.
const REMOVED: &[(&str, &str)] = &[
    (
        "retrieval.words_weight",
        "the index no longer has a jieba word field to query: it searches character bigrams, \
         and the re-ranker weighs the words by itself",
    ),
    (
        "retrieval.window_weight",
        "the index no longer has a ±1 window field to query: it searches character bigrams, \
         and the re-ranker weighs the window by itself",
    ),
];

/// The first removed key `own` (a file's table, before the shipped values are laid under it)
/// sets, if any.
pub(super) fn removed_key(own: &toml::Table) -> Option<Removed> {
    REMOVED
        .iter()
        .find(|(key, _)| sets(own, key))
        .map(|&(key, why)| Removed { key, why })
}

/// True when `table` sets the dotted `key`.
fn sets(table: &toml::Table, key: &str) -> bool {
    match key.split_once('.') {
        Some((head, rest)) => table
            .get(head)
            .and_then(toml::Value::as_table)
            .is_some_and(|inner| sets(inner, rest)),
        None => table.contains_key(key),
    }
}
