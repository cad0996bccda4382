//! What a figure question is about beyond its measure: the term it opens with, the place it
//! asks about, and every spelling of its words.

use crate::question::Question;
use crate::text::normalize::is_word_char;
use crate::text::segment::{names_a_place, words};

/// The question's normalised text and every spelling of its terms, space-separated.
pub(super) fn worded(question: &Question) -> String {
    let spellings = question
        .terms
        .iter()
        .flat_map(|term| std::iter::once(&term.text).chain(&term.synonyms));
    std::iter::once(&question.normalized)
        .chain(spellings)
        .map(String::as_str)
        .collect::<Vec<&str>>()
        .join(" ")
}

/// The term the question opens with, a year aside (大同 in 2021年大同GDP是多少): where or
/// whom it asks about, before what.
pub(super) fn opening_term(question: &Question) -> Option<usize> {
    let content = question.content.as_str();
    let opens_with = |text: &str| {
        content.find(text).is_some_and(|at| {
            content[..at]
                .chars()
                .all(|c| !is_word_char(c) || c.is_ascii_digit() || c == '年')
        })
    };
    question
        .terms
        .iter()
        .position(|term| opens_with(&term.text))
}

/// The place a question asks about: a term that is or holds one of jieba's place names and
/// that the question opens with (a year aside: 2021年山西省煤炭产量), not one it names later as
/// where something ranks or leads (在山西排第几, 连通北京方向). Its spellings: the term, its
/// synonyms, the places within it and what follows a place it opens with (山西大同: 山西,
/// 大同), and each of these without its 省, 市, 县 or 区 (山西省: 山西). Empty when there is none.
pub(super) fn asked_place(question: &Question) -> Vec<String> {
    let Some(term) = opening_term(question).map(|at| &question.terms[at]) else {
        return Vec::new();
    };
    let text = term.text.as_str();
    let mut within: Vec<&str> = words(text)
        .into_iter()
        .filter(|word| *word != text && names_a_place(word))
        .collect();
    // jieba reads 山西大同 as one place name, and 大同 alone as an adverb.
    for (at, _) in text.char_indices().skip(2) {
        if names_a_place(&text[..at]) && text[at..].chars().count() >= 2 {
            within.extend([&text[..at], &text[at..]]);
        }
    }
    if within.is_empty() && !names_a_place(text) {
        return Vec::new();
    }
    let mut spellings: Vec<String> = std::iter::once(text)
        .chain(term.synonyms.iter().map(String::as_str))
        .chain(within)
        .map(String::from)
        .collect();
    let shortened: Vec<String> = spellings
        .iter()
        .filter_map(|word| word.strip_suffix(['省', '市', '县', '区']))
        .filter(|rest| rest.chars().count() >= 2)
        .map(String::from)
        .collect();
    spellings.extend(shortened);
    spellings
}

/// A word of the asker's own that a source words its own way: a verb of one character (打),
/// one after a modal (能产, 要耗, 会用), or a span of time (一年, 每月).
pub(super) fn is_casual(word: &str) -> bool {
    let mut chars = word.chars();
    let last = chars.next_back();
    let n = word.chars().count();
    n == 1
        || (n == 2 && word.starts_with(['能', '要', '会', '得', '可']))
        || (matches!(last, Some('年' | '月' | '天'))
            && chars.all(|c| "一两二三几每全半".contains(c)))
}
