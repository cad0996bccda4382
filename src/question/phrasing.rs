//! Terms a question's phrasing splits, doubles or adds: 算力（数据） names one thing two ways,
//! so the word in brackets stands for the one before it; 用多少电 asks of 用电, which the
//! question word cuts in two; 多少TB names the unit, not a word to find.

use std::sync::LazyLock;

use regex::Regex;

use super::QueryTerm;
use super::synonyms::Synonyms;
use super::vocabulary::QUESTION_WORDS;
use crate::text::figures::leading_unit;

static BRACKETED_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(([^()]+)\)").expect("bracket pattern is valid"));

/// A term in brackets right after another (算力(数据)) becomes one of that term's synonyms.
pub(super) fn merge_bracketed(normalized: &str, terms: &mut Vec<QueryTerm>) {
    for found in BRACKETED_RE.captures_iter(normalized) {
        let (Some(whole), Some(inner)) = (found.get(0), found.get(1)) else {
            continue;
        };
        let before = &normalized[..whole.start()];
        let outer = terms
            .iter()
            .position(|term| !term.text.is_empty() && before.ends_with(term.text.as_str()));
        let inner_at = terms.iter().position(|term| term.text == inner.as_str());
        if let (Some(outer), Some(inner_at)) = (outer, inner_at)
            && outer != inner_at
        {
            let inner = terms.remove(inner_at);
            let outer = if inner_at < outer { outer - 1 } else { outer };
            let synonyms = &mut terms[outer].synonyms;
            for word in std::iter::once(inner.text).chain(inner.synonyms) {
                if !synonyms.contains(&word) {
                    synonyms.push(word);
                }
            }
        }
    }
}

static VERB_OBJECT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Han})[了掉完过]?多少(\p{Han})").expect("verb-object pattern is valid")
});

/// Verbs that link rather than act (有多少人, 是多少年): no word with what follows.
const LINKING_VERBS: &[&str] = &[
    "有", "是", "为", "达", "占", "要", "能", "会", "在", "到", "了", "共", "约", "排",
];

/// 用多少电, 产多少煤, 发多少电: a verb and its object, each a term of one character, asked
/// about together; the joined word (用电) is added as a term, unless the object is a unit
/// (来多少人 asks a count of people). A complement after the verb (用掉多少电) is passed over.
pub(super) fn join_verb_objects(normalized: &str, synonyms: &Synonyms, terms: &mut Vec<QueryTerm>) {
    let mut joined = Vec::new();
    for found in VERB_OBJECT_RE.captures_iter(normalized) {
        let (Some(verb), Some(object)) = (found.get(1), found.get(2)) else {
            continue;
        };
        let (verb, object) = (verb.as_str(), object.as_str());
        let is_term = |word: &str| terms.iter().any(|term| term.text == word);
        // The verb may end a term jieba cut with a linking verb before it (要耗 in
        // 一年要耗多少电; not 投资 in 投资多少钱), or open one it cut with its complement (投了 in
        // 投了多少钱).
        let complement = found.get(0).map_or("", |whole| {
            &whole.as_str()[verb.len()..whole.as_str().len() - object.len() - "多少".len()]
        });
        let ends_term = |word: &str| {
            terms.iter().any(|term| {
                term.text.strip_suffix(word).is_some_and(|before| {
                    before.is_empty() || before == "得" || LINKING_VERBS.contains(&before)
                }) || (!complement.is_empty() && term.text == format!("{word}{complement}"))
            })
        };
        if LINKING_VERBS.contains(&verb)
            || QUESTION_WORDS.contains(&object)
            || leading_unit(object).is_some()
            || !ends_term(verb)
            || !is_term(object)
        {
            continue;
        }
        let word = format!("{verb}{object}");
        if !is_term(&word) {
            joined.push(QueryTerm {
                synonyms: synonyms.of(&word).to_vec(),
                text: word,
                names_a_thing: true,
            });
        }
    }
    terms.extend(joined);
}

/// The unit a question asks its figure in, written in Latin letters (多少TB), is no term: the
/// corpus writes it glued to its number (1536TB), never as a word, and the asked unit is
/// matched on the figures.
pub(super) fn drop_latin_unit(unit: Option<&str>, terms: &mut Vec<QueryTerm>) {
    if let Some(unit) = unit.filter(|unit| unit.chars().all(|ch| ch.is_ascii_alphabetic())) {
        terms.retain(|term| !term.text.eq_ignore_ascii_case(unit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> Vec<QueryTerm> {
        words
            .iter()
            .map(|word| QueryTerm {
                text: word.to_string(),
                synonyms: Vec::new(),
                names_a_thing: true,
            })
            .collect()
    }

    fn texts(terms: &[QueryTerm]) -> Vec<&str> {
        terms.iter().map(|term| term.text.as_str()).collect()
    }

    #[test]
    fn a_bracketed_word_stands_for_the_one_before() {
        let mut found = terms(&["大同", "算力", "数据", "产业", "投资"]);
        merge_bracketed("大同算力(数据)产业累计投资多少", &mut found);
        assert_eq!(texts(&found), ["大同", "算力", "产业", "投资"]);
        assert_eq!(found[1].synonyms, ["数据"]);
        let mut untouched = terms(&["大同", "投资"]);
        merge_bracketed("大同(山西)投资多少", &mut untouched);
        assert_eq!(texts(&untouched), ["大同", "投资"]);
    }

    #[test]
    fn a_verb_and_its_object_are_asked_together() {
        let synonyms = Synonyms::default();
        let mut found = terms(&["一年", "用", "电"]);
        join_verb_objects("一年得用多少电", &synonyms, &mut found);
        assert_eq!(texts(&found), ["一年", "用", "电", "用电"]);
        let mut complemented = terms(&["一年", "要用", "掉", "电"]);
        join_verb_objects("一年要用掉多少电", &synonyms, &mut complemented);
        assert_eq!(texts(&complemented), ["一年", "要用", "掉", "电", "用电"]);
        let mut cut_with_before = terms(&["一年", "要耗", "电"]);
        join_verb_objects("一年要耗多少电", &synonyms, &mut cut_with_before);
        assert_eq!(texts(&cut_with_before), ["一年", "要耗", "电", "耗电"]);
        let mut cut_with_complement = terms(&["累计", "投了", "钱"]);
        join_verb_objects("累计投了多少钱", &synonyms, &mut cut_with_complement);
        assert_eq!(texts(&cut_with_complement), ["累计", "投了", "钱", "投钱"]);
        for (question, words) in [
            ("有多少人", &["有", "人"][..]),
            ("来了多少人", &["来", "人"]),
            ("投资多少钱", &["投资", "钱"]),
        ] {
            let mut kept = terms(words);
            join_verb_objects(question, &synonyms, &mut kept);
            assert_eq!(texts(&kept), words, "{question}");
        }
    }

    #[test]
    fn a_unit_in_latin_letters_is_no_term() {
        let mut found = terms(&["数据标注", "规模", "tb"]);
        drop_latin_unit(Some("tb"), &mut found);
        assert_eq!(texts(&found), ["数据标注", "规模"]);
        let mut kept = terms(&["装机", "千瓦"]);
        drop_latin_unit(Some("千瓦"), &mut kept);
        assert_eq!(texts(&kept), ["装机", "千瓦"]);
    }
}
