//! Figures of a 分别 list (城镇、农村居民人均可支配收入分别增长8.1%、11.2%): each is of one of
//! several measures the sentence names together. Which one is read from the words before
//! 分别, in order: items set apart by 、 (城镇、农村居民…), a word that joins two (城乡居民…),
//! or, when 分别 opens its part, the figures of the part before (机架7.5万架、服务器25.3万台,
//! 分别占全省的64.3%、68.5%). A figure whose measure cannot be read states none on its own.

use std::ops::Range;

use super::facts::{context_of, start_after};

/// Words that name two or more measures at once, with the measures in the order a 分别 list
/// gives their figures.
const JOINED: &[(&str, &[&str])] = &[
    ("城乡", &["城镇", "农村"]),
    ("进出口", &["进口", "出口"]),
    ("中小学", &["小学", "中学"]),
    ("上下半年", &["上半年", "下半年"]),
    ("一二三产业", &["第一产业", "第二产业", "第三产业"]),
    ("一二三产", &["第一产业", "第二产业", "第三产业"]),
];

/// Measures that are each other's opposite though they share a word: what is generated and
/// what is used (发电量 is not asked by 用电量 or 耗电量), online and offline (线下就业 is not
/// 线上就业), coming in and going out.
const OPPOSED: &[&[&str]] = &[
    &["发电", "用电", "耗电"],
    &["收入", "支出"],
    &["线上", "线下"],
    &["入境", "出境"],
];

/// A measure that names one of the measures a joined word stands for, or one of a pair of
/// opposed measures, while `question` names another and not this one (城镇居民人均可支配收入
/// asked 农村居民人均可支配收入, 发电量 asked 用电量): another measure, however many words they
/// share.
pub(super) fn contrasted(measure: &str, question: &str) -> bool {
    JOINED
        .iter()
        .map(|(_, parts)| *parts)
        .chain(OPPOSED.iter().copied())
        .any(|parts| {
            parts.iter().any(|part| {
                measure.contains(part)
                    && !question.contains(part)
                    && parts.iter().any(|other| {
                        other != part && question.contains(other) && !measure.contains(other)
                    })
            })
        })
}

/// Where a figure stands with respect to a 分别 list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Listed {
    /// Not in a 分别 list.
    No,
    /// In one, and its own measure is read: the part of the sentence as it would be written
    /// for this figure alone (农村居民人均可支配收入增长11.2%).
    Resolved(String),
    /// In one, and which measure it is of cannot be read.
    Unresolved,
}

/// Characters that end the clause a 分别 governs.
const CLAUSE_ENDS: &[char] = &['，', ',', '；', ';', '。', '：', ':'];

/// How the figure at `spans[at]` of the normalised sentence stands in a 分别 list (`spans`:
/// every figure of the sentence, in order).
pub(super) fn listed(normalized: &str, spans: &[Range<usize>], at: usize) -> Listed {
    let Some(span) = spans.get(at) else {
        return Listed::No;
    };
    let before = &normalized[..span.start];
    let clause_start = start_after(normalized, span.start, CLAUSE_ENDS);
    let Some(respectively) = before[clause_start..]
        .find("分别")
        .map(|found| clause_start + found)
    else {
        return Listed::No;
    };
    let after_word = respectively + "分别".len();
    // The list: the figures after 分别, each separated from the one before by 、 alone.
    let first = spans
        .iter()
        .position(|found| found.start >= after_word)
        .unwrap_or(at);
    let mut last = first;
    while last + 1 < spans.len()
        && normalized.get(spans[last].end..spans[last + 1].start) == Some("、")
    {
        last += 1;
    }
    if !(first..=last).contains(&at) {
        return Listed::Unresolved;
    }
    let (n, index) = (last - first + 1, at - first);
    let subject = &normalized[clause_start..respectively];
    let items = items_of(subject, n).or_else(|| {
        subject
            .trim()
            .is_empty()
            .then(|| previous_part(normalized, spans, clause_start, n))
            .flatten()
    });
    match items {
        Some(items) => Listed::Resolved(format!(
            "{}{}{}",
            items[index],
            &normalized[after_word..spans[first].start],
            &normalized[span.clone()]
        )),
        None => Listed::Unresolved,
    }
}

/// The `n` measures `subject` names together, each written out whole, if it names that many.
fn items_of(subject: &str, n: usize) -> Option<Vec<String>> {
    let pieces: Vec<&str> = subject.split('、').collect();
    if pieces.len() == n && n >= 2 {
        // 城镇、农村居民人均可支配收入: the last item is as long as the first, and what follows
        // it is said of every item.
        let head_len = pieces[0].chars().count();
        let last = pieces[n - 1];
        let split = last
            .char_indices()
            .nth(head_len)
            .map_or(last.len(), |(found, _)| found);
        let tail = &last[split..];
        let mut items: Vec<String> = pieces[..n - 1]
            .iter()
            .map(|item| format!("{item}{tail}"))
            .collect();
        items.push(last.to_string());
        return Some(items);
    }
    JOINED
        .iter()
        .filter(|(_, parts)| parts.len() == n)
        .find(|(word, _)| subject.contains(word))
        .map(|(word, parts)| {
            parts
                .iter()
                .map(|part| subject.replacen(word, part, 1))
                .collect()
        })
}

/// When 分别 opens its clause: the parts of the `n` figures just before it, if the clause
/// before holds exactly that many.
fn previous_part(
    normalized: &str,
    spans: &[Range<usize>],
    clause_start: usize,
    n: usize,
) -> Option<Vec<String>> {
    let end = normalized[..clause_start].rfind(CLAUSE_ENDS)?;
    let start = start_after(normalized, end, CLAUSE_ENDS);
    let before: Vec<&Range<usize>> = spans
        .iter()
        .filter(|span| span.start >= start && span.end <= end)
        .collect();
    (before.len() == n).then(|| {
        before
            .iter()
            .map(|span| context_of(normalized, (*span).clone()).to_string())
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::figures::figure_spans;

    fn listed_all(text: &str) -> Vec<Listed> {
        let spans: Vec<Range<usize>> = figure_spans(text).collect();
        (0..spans.len())
            .map(|at| listed(text, &spans, at))
            .collect()
    }

    fn resolved(text: &str) -> String {
        text.to_string()
    }

    #[test]
    fn items_named_apart_joined_or_before() {
        assert_eq!(
            listed_all("城镇、农村居民人均可支配收入分别增长8.1%、11.2%"),
            [
                Listed::Resolved(resolved("城镇居民人均可支配收入增长8.1%")),
                Listed::Resolved(resolved("农村居民人均可支配收入增长11.2%")),
            ]
        );
        assert_eq!(
            listed_all("一般公共预算收入增长23.5%;城乡居民人均可支配收入分别增长8.1%、11.2%")[2],
            Listed::Resolved(resolved("农村居民人均可支配收入增长11.2%"))
        );
        let shares = listed_all("投运机架数达7.5万架、在用服务器25.3万台,分别占全省的64.3%、68.5%");
        assert_eq!(shares[0], Listed::No);
        assert_eq!(
            shares[3],
            Listed::Resolved(resolved("在用服务器25.3万台占全省的68.5%"))
        );
    }

    #[test]
    fn measures_a_joined_word_sets_apart_are_contrasted() {
        assert!(contrasted(
            "农村居民人均可支配收入",
            "城镇居民人均可支配收入增长多少"
        ));
        assert!(!contrasted(
            "农村居民人均可支配收入",
            "农村居民收入增长多少"
        ));
        assert!(!contrasted("居民人均可支配收入", "城镇居民人均可支配收入"));
        assert!(contrasted("出口总额", "进口总额是多少"));
        assert!(contrasted("力争今年新增线下就业5000人", "新增线上就业"));
        assert!(!contrasted("线上就业8000人", "新增线上就业"));
        assert!(contrasted(
            "大同市发电量将由现在的550亿千瓦时",
            "耗电 用电量"
        ));
        assert!(!contrasted("年用电量突破15亿度", "耗电 用电量"));
    }

    #[test]
    fn a_list_whose_items_cannot_be_read_states_no_measure() {
        let found = listed_all("两地居民收入分别增长8.1%、11.2%");
        assert_eq!(found, [Listed::Unresolved, Listed::Unresolved]);
        assert_eq!(
            listed_all("收入增长8.1%,人口增长1.2%"),
            [Listed::No, Listed::No]
        );
    }
}
