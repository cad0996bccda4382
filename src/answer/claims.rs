//! The claim check of a draft: each figure of a draft sentence is a claim, judged against the
//! facts the corpus states for the same measure (same unit, same kind, the measure named in
//! the fact's part of its sentence, the draft's years when it names some): `supported` when
//! the newest of them agrees, `outdated` when only older ones do, `contradicted` when none
//! does, `not_found` when there are none. Pure: the facts come from the caller's search.

use std::ops::Range;

use super::Quote;

use super::facts::{
    Fact, PART_ENDS, best_rated, context_of, facts_of, has_no_subject, newest_first, start_after,
};
use super::gather::AskedMeasure;
use super::measure_words::{GENERIC, NOT_MEASURE, is_number};
use super::periods::{PeriodMatch, period_match};
use super::respective::{Listed, listed};
use crate::corpus::Corpus;
use crate::question::{Question, Synonyms, parse_question};
use crate::search::MeasurePool;
use crate::text::char_pairs::pair_share;
use crate::text::normalize::is_cjk;
use crate::text::periods::{YearPart, year_of_figure, year_part};
use crate::text::segment::is_proper_name;
use crate::text::values::{CHANGE_CUES, Kind, Quantity, agrees, same_unit};

/// What the corpus says of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The newest source stating this measure (for this period) agrees.
    Supported,
    /// An older source agrees; a newer one states another value.
    Outdated,
    /// Sources state another value, none this one.
    Contradicted,
    /// No source states this measure.
    NotFound,
}

/// One figure of a draft, judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// The draft's sentence, as the draft writes it.
    pub sentence: String,
    /// The figure, a verbatim span of `sentence`.
    pub figure: String,
    /// The words the draft says the figure is of.
    pub measure: String,
    pub verdict: Verdict,
    /// The facts of the same measure, newest first, each with its quote.
    pub evidence: Vec<(Fact, Quote)>,
}

/// A checked draft.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    pub draft: String,
    pub claims: Vec<Claim>,
}

/// What a draft's figure is a figure of.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// The words naming it (大同投运服务器, 智能化煤矿), normalised.
    pub text: String,
    /// The measure's subject when another part of the sentence names it (see
    /// [`claim_measure`]); `text` begins with it.
    pub subject: Option<String>,
    /// They follow the figure (6座智能化煤矿) rather than lead to it (在用服务器25.3万台).
    pub after_figure: bool,
    /// The part of the sentence the figure is in (between commas), its bytes in the
    /// normalised sentence.
    pub part: Range<usize>,
}

/// How many characters next to its figure name what a measure counts.
const HEAD_CHARS: usize = 4;

impl Measure {
    /// The words right next to the figure, which name what it counts (中试项目 of
    /// 已落地中试项目32个; 智能化煤 of 6座智能化煤矿): at most [`HEAD_CHARS`] Chinese characters.
    pub fn head(&self) -> String {
        let chars: Vec<char> = self.text.chars().filter(|ch| is_cjk(*ch)).collect();
        let kept = chars.len().min(HEAD_CHARS);
        if self.after_figure {
            chars[..kept].iter().collect()
        } else {
            chars[chars.len() - kept..].iter().collect()
        }
    }
}

/// Words between a measure and its figure that say nothing of the measure.
const LINKING: &[&str] = &[
    "达到",
    "达",
    "为",
    "是",
    "完成",
    "实现",
    "超过",
    "突破",
    "超",
    "逾",
    "约",
    "近",
    "共",
    "有",
    "建成",
    "累计",
    "增长",
    "增加",
    "提高",
    "下降",
    "减少",
    "同比",
    "了",
    "在",
    "稳定在",
    "控制在",
    "位居",
    "位列",
    "稳居",
    "排名",
    "排在",
    "排",
    "居",
];

/// Words after a figure that qualify it rather than name its measure (突破700亿元大关: a
/// milestone, not what is counted).
const AFTER_FIGURE: &[&str] = &[
    "以上", "以内", "以下", "左右", "上下", "之内", "多", "余", "大关", "关口",
];

/// What the figure at `spans[at]` of the normalised draft sentence `text` (`spans`: all its
/// figures) is a figure of, as [`measure_of`] reads it, with a subject named elsewhere in the
/// sentence: the item of a 分别 list it stands for (城镇、农村居民人均可支配收入分别增长8.1%、11.2%:
/// 农村居民人均可支配收入), or the measure of the part before when its own part has none
/// (地区生产总值完成1686亿元,…,同比增长7.5%).
pub fn claim_measure(text: &str, spans: &[Range<usize>], at: usize) -> Measure {
    let span = spans[at].clone();
    let mut measure = measure_of(text, span.clone());
    let subject = match listed(text, spans, at) {
        Listed::Resolved(context) => context
            .strip_suffix(&text[span.clone()])
            .map(|words| strip_linking(words).to_string()),
        Listed::Unresolved => None,
        Listed::No => {
            let own = &text[measure.part.clone()];
            (measure.text.is_empty() || has_no_subject(own)).then(|| {
                // The part that names the subject: where the figure's context starts.
                let context = context_of(text, span.clone());
                let start = context.as_ptr() as usize - text.as_ptr() as usize;
                let end = start + context.find(PART_ENDS).unwrap_or(context.len());
                let subject_part = &text[start..end];
                let first_figure = spans
                    .iter()
                    .find(|found| found.start >= start && found.end <= end);
                match first_figure {
                    Some(found) => measure_of(text, found.clone()).text,
                    None => strip_linking(subject_part).to_string(),
                }
            })
        }
    };
    if let Some(subject) = subject.filter(|subject| !subject.is_empty() && *subject != measure.text)
    {
        measure.text = format!("{subject}{}", measure.text);
        measure.subject = Some(subject);
    }
    measure
}

/// `words` without the linking words at their end (达到, 为, 增长 …).
fn strip_linking(mut words: &str) -> &str {
    while let Some(rest) = LINKING.iter().find_map(|word| words.strip_suffix(word)) {
        words = rest;
    }
    words
}

/// What the figure at `span` of the normalised draft sentence `text` is a figure of.
pub fn measure_of(text: &str, span: Range<usize>) -> Measure {
    let start = start_after(text, span.start, PART_ENDS);
    let end = text[span.end..]
        .find(PART_ENDS)
        .map_or(text.len(), |at| span.end + at);
    let mut after = &text[span.end..end];
    // 1000千伏特高压和新荣500千伏变电站: a conjunction or another number ends the measure.
    if let Some(cut) = after.find(|ch: char| ch.is_ascii_digit() || "和与及".contains(ch)) {
        after = &after[..cut];
    }
    while let Some(rest) = AFTER_FIGURE
        .iter()
        .find_map(|word| after.strip_prefix(word))
    {
        after = rest;
    }
    let before = strip_linking(&text[start..span.start]);
    // 总投资近400亿元的600万千瓦…基地: a figure before 的 says what the thing after it has; its
    // measure is named before it.
    let after_figure =
        after.starts_with(crate::text::normalize::is_cjk) && !after.starts_with('的');
    Measure {
        text: if after_figure { after } else { before }.to_string(),
        subject: None,
        after_figure,
        part: start..end,
    }
}

/// What a claim is compared on.
pub struct Asked<'a> {
    pub quantity: &'a Quantity,
    pub kind: Kind,
    /// The claim's measure read as a figure question ([`measure_question`]).
    pub question: &'a Question,
    /// The index's weights of the question's terms (the sentences are `judge`'s quotes).
    pub pool: &'a MeasurePool,
    /// How much of the claim's measure a fact's part of its sentence must name.
    pub min_fit: f32,
    /// The words next to the claim's figure ([`Measure::head`]).
    pub head: &'a str,
}

/// The claim's measure as a figure question, for rating facts against it: the words of the
/// measure that say what is counted (neither [`GENERIC`] words nor numbers and years: the
/// period is `years`, matched on its own).
pub fn measure_question(measure: &Measure, synonyms: &Synonyms, years: Vec<u16>) -> Question {
    let mut question = parse_question(&measure.text, synonyms);
    // How it changed (同比增长), when or where in the whole (全年, 全市) and how the figure
    // is put (位列, 达到) say nothing of which measure it is.
    // A place named before the whole it is (山西全省) says where a figure ranks, as 全省 does.
    let names_a_whole = |word: &str| {
        ["全省", "全市", "全国"]
            .iter()
            .any(|whole| measure.text.contains(&format!("{word}{whole}")))
    };
    question.terms.retain(|term| {
        let word = term.text.as_str();
        !names_a_whole(word)
            && !GENERIC.contains(&word)
            && !CHANGE_CUES.contains(&word)
            && !NOT_MEASURE.contains(&word)
            && !LINKING.contains(&word)
            && !is_number(word)
    });
    question.years = years;
    question
}

/// How well, against the best figure of its sentence, a figure agreeing with a claim must
/// state the claim's measure to stand for the sentence.
const AGREEING_SHARE: f32 = 0.8;

/// The evidence for a claim among `quotes` (the search's best sentences for it) and the
/// verdict on it.
pub fn judge(asked: &Asked, quotes: &[Quote], corpus: &Corpus) -> (Verdict, Vec<(Fact, Quote)>) {
    let same_kind = |kind: Kind| match asked.kind {
        // A target in a draft is checked against targets; anything else against what was
        // reached (a change against changes).
        Kind::Target | Kind::Forecast => matches!(kind, Kind::Target | Kind::Forecast),
        other => kind == other,
    };
    let measure = AskedMeasure::new(asked.question, asked.pool, corpus, asked.min_fit);
    let years = &asked.question.years;
    let names: Vec<&str> = asked
        .question
        .terms
        .iter()
        .map(|term| term.text.as_str())
        .filter(|word| is_proper_name(word))
        .collect();
    let mut evidence: Vec<(Fact, Quote)> = Vec::new();
    // Statements of the measure for other years than the draft's: shown when none is of its.
    let mut other_years: Vec<(Fact, Quote)> = Vec::new();
    for quote in quotes {
        let found = if !years.is_empty()
            && period_match(corpus, quote.sentence_idx(), years) == PeriodMatch::Other
        {
            &mut other_years
        } else {
            &mut evidence
        };
        if found
            .iter()
            .any(|(_, taken)| taken.sentence_idx() == quote.sentence_idx())
        {
            continue;
        }
        // One fact a sentence: the one of the measure that fits it best (the first on a tie),
        // or the best of those that agree with the claim: 由2013年的每立方米46微克下降到2021年的
        // 每立方米28微克 states the claim's 28微克, not another value.
        let facts = facts_of(quote, corpus);
        let candidates = || {
            facts.iter().filter(|fact| {
                same_unit(fact.quantity.unit, asked.quantity.unit)
                    && same_kind(fact.kind)
                    && fact.context.is_some()
            })
        };
        let fitting = |fact: &Fact| {
            let rated = measure.rate(fact);
            tracing::debug!(
                "claim evidence {} in {:?}: fit {rated:?}",
                fact.figure,
                fact.context
            );
            rated.filter(|fit| *fit >= asked.min_fit)
        };
        let agreeing = candidates().filter(|fact| agrees(asked.quantity, &fact.quantity));
        // Of figures dated by their own years (由2013年的233天增加到2021年的315天), the latest
        // is what the sentence says the measure is now.
        let normalized = corpus.sentence(quote.sentence_idx()).normalized;
        let own_year = |fact: &Fact| year_of_figure(normalized, fact.span.start);
        let latest = || {
            let fitting: Vec<&Fact> = candidates().filter(|f| fitting(f).is_some()).collect();
            let dated = fitting.len() > 1 && fitting.iter().all(|fact| own_year(fact).is_some());
            let latest = fitting.into_iter().rev().max_by_key(|fact| own_year(fact));
            latest.filter(|_| dated)
        };
        // The figure that agrees stands for the sentence only when it states the measure about
        // as well as the sentence's best: 黄花种植面积达26万亩 beside 黄芪种植面积达37万亩
        // does not support 黄花37万亩.
        // Nor when another figure's own part names a proper name of the claim that its own
        // does not: 恒山景区…300万人次 beside 云冈石窟景区…400万人次 is not 云冈石窟's.
        let best_fit = best_rated(candidates(), &fitting).map_or(0.0, |(_, fit)| fit);
        let own_names = |fact: &Fact| {
            let context = fact.context.as_deref().unwrap_or("");
            names.iter().filter(|name| context.contains(*name)).count()
        };
        let most_named = candidates().map(own_names).max().unwrap_or(0);
        // Nor when another figure's own part names the words next to the claim's figure
        // better: 落地项目32个 beside 中试项目23个 is not the claim's 中试项目32个.
        let own_head = |fact: &Fact| pair_share(asked.head, fact.context.as_deref().unwrap_or(""));
        let best_head = candidates()
            .filter(|fact| fitting(fact).is_some())
            .map(own_head)
            .fold(0.0_f32, f32::max);
        let agreeing_fit = |fact: &Fact| {
            fitting(fact).filter(|fit| {
                *fit >= best_fit * AGREEING_SHARE
                    && own_names(fact) == most_named
                    && own_head(fact) >= best_head
            })
        };
        let heads_best = || candidates().filter(|fact| own_head(fact) >= best_head);
        if let Some(fact) = best_rated(agreeing, &agreeing_fit)
            .map(|(fact, _)| fact)
            .or_else(latest)
            .or_else(|| best_rated(heads_best(), &fitting).map(|(fact, _)| fact))
            .or_else(|| best_rated(candidates(), &fitting).map(|(fact, _)| fact))
        {
            found.push((fact.clone(), quote.clone()));
        }
    }
    // A holiday's figure (国庆假期 beside a year's 1575万人次) is neither support nor a newer
    // value of a claim about no holiday, nor the other way round, unless nothing else is
    // found. Other parts of a year are: 今年前三季度 is the newest statement of a year's measure.
    let holiday = |part: Option<YearPart>| part == Some(YearPart::Holiday);
    let claims_holiday = holiday(asked.question.year_part.clone());
    let as_holiday_as_claim = |(fact, quote): &(Fact, Quote)| {
        let normalized = corpus.sentence(quote.sentence_idx()).normalized;
        holiday(year_part(&normalized[..fact.span.start])) == claims_holiday
    };
    if evidence.iter().any(as_holiday_as_claim) {
        evidence.retain(as_holiday_as_claim);
    }
    // Newest first; of sources as new as each other (one report, one date), those that agree
    // first: a source no newer than the one that agrees does not make the claim outdated.
    let agree = |(fact, _): &(Fact, Quote)| agrees(asked.quantity, &fact.quantity);
    evidence.sort_by(|a, b| newest_first(a, b).then(agree(b).cmp(&agree(a))));
    let agreeing: Vec<bool> = evidence.iter().map(agree).collect();
    let verdict = match agreeing.first() {
        // 2024年GDP: no source states it, but the press office learns which years they do.
        None => {
            other_years.sort_by(newest_first);
            return (Verdict::NotFound, other_years);
        }
        Some(true) => Verdict::Supported,
        Some(false) if agreeing.contains(&true) => Verdict::Outdated,
        Some(false) => Verdict::Contradicted,
    };
    (verdict, evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_milestone_after_a_figure_is_not_its_measure() {
        let text = "大同算力全产业链累计投资已突破700亿元大关";
        let start = text.find("700").unwrap_or(0);
        let span = start..start + "700亿元".len();
        let measure = measure_of(text, span.clone());
        assert!(measure.text.contains("累计投资"), "{}", measure.text);
        // What is counted after a figure still is its measure.
        let text = "引进5家龙头企业";
        let start = text.find('5').unwrap_or(0);
        assert_eq!(
            measure_of(text, start..start + "5家".len()).text,
            "龙头企业"
        );
        // A figure before 的 describes what follows: its measure is before it.
        let text = "重点推进总投资近400亿元的600万千瓦新能源基地建设";
        let start = text.find("400").unwrap_or(0);
        let measure = measure_of(text, start..start + "400亿元".len());
        assert!(measure.text.ends_with("总投资"), "{}", measure.text);
    }

    #[test]
    fn a_place_naming_the_whole_a_figure_ranks_in_is_no_word_of_its_measure() {
        let measure = Measure {
            text: "大同进出口增速位居山西全省".into(),
            subject: None,
            after_figure: false,
            part: 0..0,
        };
        let question = measure_question(&measure, &Synonyms::default(), Vec::new());
        let words: Vec<&str> = question.terms.iter().map(|t| t.text.as_str()).collect();
        assert!(!words.contains(&"山西"), "{words:?}");
        assert!(words.contains(&"进出口"), "{words:?}");
    }

    #[test]
    fn a_measures_head_is_next_to_its_figure() {
        let before = |text: &str, figure: &str| {
            let start = text.find(figure).unwrap_or(0);
            measure_of(text, start..start + figure.len()).head()
        };
        assert_eq!(
            before("“晋创谷·大同”已落地中试项目32个", "32个"),
            "中试项目"
        );
        assert_eq!(before("引进5家龙头企业", "5家"), "龙头企业");
        assert_eq!(before("建成6座煤矿", "6座"), "煤矿");
    }
}
