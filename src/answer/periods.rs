//! Whether a quote speaks of the period a question asks about. A sentence's period is the years
//! it states; else its paragraph's; else, when the paragraph points back (这一年, 当年, 同年,
//! 全年), the previous paragraph's; else 今年/去年 read against the source's date. A sentence
//! with none of these, in a dated source, speaks of the source's time (its year or the one
//! before: a report early in 2022 reviews 2021).

use crate::corpus::Corpus;
use crate::search::Hit;
use crate::text::periods::{dated_years, period_years};

/// How a quote's period compares with the asked one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodMatch {
    /// It states an asked year.
    Asked,
    /// It states years, none of them asked.
    Other,
    /// It states none (or only its source's time, which may be the asked year).
    Unknown,
}

/// Words that make a paragraph speak of the year named before it.
const POINTING_BACK: &[&str] = &["这一年", "当年", "同年", "是年", "全年", "这年", "一年来"];

/// How many paragraphs back a chain of 这一年 is followed for its year.
const MAX_PARAGRAPHS_BACK: usize = 8;

/// How the sentence at `ord` compares with the `asked` years (not empty).
pub fn period_match(corpus: &Corpus, ord: usize, asked: &[u16]) -> PeriodMatch {
    let stated = stated_years(corpus, ord);
    if !stated.is_empty() {
        return if stated.iter().any(|year| asked.contains(year)) {
            PeriodMatch::Asked
        } else {
            PeriodMatch::Other
        };
    }
    match source_year(corpus, ord) {
        Some(year) if !asked.iter().any(|&a| a == year || a + 1 == year) => PeriodMatch::Other,
        _ => PeriodMatch::Unknown,
    }
}

/// `hits` with, when the question names years (`asked`) and the first hit states only other
/// years, the best-ranked hit that may be of an asked year and reaches `floor` first: the
/// quotes worth showing are read from the first, and a 2024 sentence ranked above the 2021 one
/// must not hide it (2021年粮食产量).
pub fn asked_period_first(
    corpus: &Corpus,
    mut hits: Vec<Hit>,
    asked: &[u16],
    floor: f32,
) -> Vec<Hit> {
    let other = |hit: &Hit| period_match(corpus, hit.sentence_idx, asked) == PeriodMatch::Other;
    if asked.is_empty() || !hits.first().is_some_and(other) {
        return hits;
    }
    if let Some(at) = hits
        .iter()
        .position(|hit| hit.confidence >= floor && !other(hit))
    {
        let hit = hits.remove(at);
        hits.insert(0, hit);
    }
    hits
}

/// The years the sentence at `ord` speaks of (see the module doc), sorted; empty when none is
/// stated nearby.
pub fn stated_years(corpus: &Corpus, ord: usize) -> Vec<u16> {
    years_around(corpus, ord, period_years)
}

/// As [`stated_years`], with the years named by number only (no five-year plans): the year a
/// figure is dated to.
pub fn dated_years_around(corpus: &Corpus, ord: usize) -> Vec<u16> {
    years_around(corpus, ord, dated_years)
}

fn years_around(corpus: &Corpus, ord: usize, years_in: fn(&str) -> Vec<u16>) -> Vec<u16> {
    let sentence = corpus.sentence(ord);
    let own = years_in(sentence.normalized);
    if !own.is_empty() {
        return own;
    }
    let Some(paragraph) = corpus.passages.paragraph_of(ord) else {
        return Vec::new();
    };
    let text_of = |paragraph: usize| -> String {
        corpus
            .passages
            .sentences(paragraph)
            .map(|at| corpus.sentence(at).normalized)
            .collect()
    };
    let here = text_of(paragraph);
    let years = years_in(&here);
    if !years.is_empty() {
        return years;
    }
    // 这一年 points back to the paragraph before, and that one may point further back: a
    // report's paragraphs on the year past each open with 这一年.
    let mut pointing_back = POINTING_BACK.iter().any(|word| here.contains(word));
    let mut previous = paragraph;
    while pointing_back && previous > 0 && paragraph - previous < MAX_PARAGRAPHS_BACK {
        previous -= 1;
        let first = corpus.passages.sentences(previous).start;
        if corpus.sentence(first).doc_idx != sentence.doc_idx {
            break;
        }
        let text = text_of(previous);
        let years = years_in(&text);
        if !years.is_empty() {
            return years;
        }
        pointing_back = POINTING_BACK.iter().any(|word| text.contains(word));
    }
    let Some(year) = source_year(corpus, ord) else {
        return Vec::new();
    };
    let mut relative = Vec::new();
    if here.contains("今年") {
        relative.push(year);
    }
    if here.contains("去年") {
        relative.push(year - 1);
    }
    relative
}

/// The years the sentence at `ord` speaks of, or its source's year when it states none.
pub fn quote_years(corpus: &Corpus, ord: usize) -> Vec<u16> {
    let stated = stated_years(corpus, ord);
    if stated.is_empty() {
        source_year(corpus, ord).into_iter().collect()
    } else {
        stated
    }
}

/// The year of the sentence's source, if it is dated.
fn source_year(corpus: &Corpus, ord: usize) -> Option<u16> {
    let sentence = corpus.sentence(ord);
    let date = corpus.document_of(&sentence).source.date.as_deref()?;
    date.get(..4)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::tests::raw;
    use crate::corpus::{CleaningRules, Source, SourceEntry, SourcesFile};

    fn corpus() -> Corpus {
        let files = [
            raw(
                "1_report.txt",
                "刚刚过去的2021年，我们砥砺前行。\n\n这一年，全年地区生产总值完成1686亿元。\n\n\
                 这一年，服务业增加值完成867.7亿元。\n\n\
                 2019—2021年煤炭产量稳定。\n\n今年全市新增企业300家。\n\n市场主体持续增加。\n\n\
                 这一年，新建公园5个。",
            ),
            raw("2_page.txt", "全市在用服务器25.3万台。"),
        ];
        let sources = SourcesFile {
            document: vec![SourceEntry {
                file: "1_report.txt".into(),
                source: Source {
                    title: "报告".into(),
                    date: Some("2022-02".into()),
                    ..Source::default()
                },
            }],
        };
        Corpus::build(&files, &sources, &CleaningRules::default())
    }

    #[test]
    fn reads_the_period_a_sentence_speaks_of() {
        let corpus = corpus();
        let ord = |text: &str| {
            corpus
                .sentences()
                .position(|s| s.text.contains(text))
                .unwrap()
        };
        assert_eq!(stated_years(&corpus, ord("砥砺")), [2021]);
        // The paragraph points back to the year of the one before.
        assert_eq!(stated_years(&corpus, ord("1686")), [2021]);
        // ... and that one to the year of the one before it; a paragraph that does not point
        // back ends the chain.
        assert_eq!(stated_years(&corpus, ord("867.7")), [2021]);
        assert!(stated_years(&corpus, ord("公园")).is_empty());
        assert_eq!(stated_years(&corpus, ord("煤炭")), [2019, 2020, 2021]);
        // 今年 in a source dated 2022.
        assert_eq!(stated_years(&corpus, ord("新增企业")), [2022]);
        assert!(stated_years(&corpus, ord("市场主体")).is_empty());
        assert!(stated_years(&corpus, ord("服务器")).is_empty());

        assert_eq!(
            period_match(&corpus, ord("1686"), &[2021]),
            PeriodMatch::Asked
        );
        assert_eq!(
            period_match(&corpus, ord("1686"), &[2020]),
            PeriodMatch::Other
        );
        assert_eq!(
            period_match(&corpus, ord("煤炭"), &[2020]),
            PeriodMatch::Asked
        );
        // No year stated: the source's time (2021–2022) may be the asked year, 2015 is not.
        assert_eq!(
            period_match(&corpus, ord("市场主体"), &[2021]),
            PeriodMatch::Unknown
        );
        assert_eq!(
            period_match(&corpus, ord("市场主体"), &[2015]),
            PeriodMatch::Other
        );
        // An undated source says nothing of its time.
        assert_eq!(
            period_match(&corpus, ord("服务器"), &[2015]),
            PeriodMatch::Unknown
        );
    }
}
