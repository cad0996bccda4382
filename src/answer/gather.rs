//! Every statement of the asked measure: the figures of the measure pool's sentences (the
//! index's best sentences for a figure question, deeper than those ranked) whose part of the
//! sentence names what the question asks about, in the asked unit. A figure of another
//! measure in the same sentence (占全市电力总装机容量的53.7% beside 装机容量929万千瓦) is told
//! apart by where the question's words stand: in the figure's own part of the sentence.

use std::sync::LazyLock;

use regex::Regex;

use super::Quote;
use super::asked_about::{asked_place, is_casual, opening_term, worded};
use super::claims::measure_of;
use super::facts::{Fact, PART_ENDS, facts_of, figure_context, start_after};
use super::measure_words::{is_number, measure_terms, named_share, unstated_in_plans};
use super::naming::{fit_named, named_in, spellings};
use super::periods::{PeriodMatch, period_match};
use super::respective::contrasted;
use crate::corpus::Corpus;
use crate::question::{QueryTerm, Question};
use crate::search::MeasurePool;
use crate::text::char_pairs::{CharPairs, pair_share};
use crate::text::figures::FigureRow;
use crate::text::normalize::{is_word_char, normalize};
use crate::text::periods::{year_of_figure, year_part};
use crate::text::values::{CHANGE_CUES, Kind, same_unit};

/// A statement of the measure: the figure, its sentence, and how well its part of the sentence
/// names the question's terms (0–1).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Statement {
    pub fact: Fact,
    pub quote: Quote,
    pub fit: f32,
}

/// What the measure's own words the question does not name take off a statement's fit
/// (新能源和可再生能源装机容量 is not what 全市电力总装机容量 asks about).
const OWN_WORDS: f32 = 0.5;

/// The largest corpus whose every sentence's figures are read for a figure question; a
/// larger one is read in the measure pool only. A few dozen documents: at 20,000 sentences the
/// scan of a common unit (几个, 多少年) set the p99 of the pooled CMRC + DRCD contexts at 3 ms.
pub const FULL_SCAN_SENTENCES: usize = 2_000;

/// The whole a share is of (占全市电力总装机容量的), within one part of a sentence.
static SHARE_OF_WHOLE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("占[^,，;；。]*?的").expect("share pattern is valid"));

/// What a figure counted over another part of a year than the one asked keeps of its fit.
const OTHER_PART: f32 = 0.75;

/// What a figure of a sentence opening with 其中 keeps of its fit: it counts a part of the
/// whole the sentence before states (其中,恒山景区接待游客突破300万人次 after the city's
/// 1575万人次), so it states the asked measure less surely than that whole, unless the question
/// names the part (then its fit is high enough to stay).
const PART_OF_WHOLE: f32 = 0.75;

/// Statements below this share of the best one's fit are of another measure.
pub(super) const BEST_SHARE: f32 = 0.6;

/// How well figures fit a figure question's measure (see the module doc).
#[derive(Clone)]
pub(super) struct AskedMeasure<'a> {
    pub question: &'a Question,
    pub pool: &'a MeasurePool,
    pub corpus: &'a Corpus,
    /// Statements fitting less are of another measure.
    pub min_fit: f32,
    /// The question's words of its measure (`measure_words::measure_terms`), read once: each
    /// is tagged by jieba.
    measured: Vec<usize>,
    /// The place the question asks about, as the spellings a source may use (see
    /// [`asked_place`]); empty when it names none.
    place: Vec<String>,
    /// The term the question opens with ([`opening_term`]).
    opening: Option<usize>,
    /// The question's text and every spelling of its terms (耗电 and its synonym 用电量 of
    /// 耗多少电), for telling opposed measures apart.
    worded: String,
}

impl<'a> AskedMeasure<'a> {
    pub fn new(
        question: &'a Question,
        pool: &'a MeasurePool,
        corpus: &'a Corpus,
        min_fit: f32,
    ) -> Self {
        AskedMeasure {
            question,
            pool,
            corpus,
            min_fit,
            measured: measure_terms(question),
            place: asked_place(question),
            opening: opening_term(question),
            worded: worded(question),
        }
    }

    /// The same measure read with other term weights.
    pub fn with_pool<'p>(&self, pool: &'p MeasurePool) -> AskedMeasure<'p>
    where
        'a: 'p,
    {
        AskedMeasure {
            pool,
            ..self.clone()
        }
    }

    /// How well `fact` (of the sentence at `fact.sentence_idx`) states the asked measure, 0–1.
    pub fn fit(&self, fact: &Fact) -> f32 {
        let context = fact.context.as_deref().unwrap_or("");
        self.fit_at(fact.sentence_idx, fact.span.clone(), context)
    }

    /// Each term with its weight and how far the sentence at `ord` and its document's title
    /// name it (0–1, a synonym for less).
    fn named_around(&self, ord: usize) -> impl Iterator<Item = (&QueryTerm, f32, f32)> {
        let around = self.around(ord);
        self.question
            .terms
            .iter()
            .zip(&self.pool.weights)
            .map(move |(term, weight)| {
                let named = spellings(term)
                    .map(|(word, credit)| credit * pair_share(word, &around))
                    .fold(0.0_f32, f32::max);
                (term, *weight, named)
            })
    }

    /// The terms' weights as far as the answer's sentence (at `ord`, with its document's title)
    /// names them: words of the question's own phrasing (一年能产, 排) that the answer does not
    /// use say nothing of which figures state the same measure.
    pub fn weights_named_at(&self, ord: usize) -> Vec<f32> {
        self.named_around(ord)
            .map(|(term, weight, named)| {
                // A year is matched as a period, wherever the source dates it; 同比增长 says
                // how a measure moved, not which one.
                if is_number(&term.text) || CHANGE_CUES.contains(&term.text.as_str()) {
                    0.0
                } else {
                    weight * named
                }
            })
            .collect()
    }

    /// The terms' weights without the asker's casual words (`is_casual`: 打 and 一年 in
    /// 一年粮食能打多少斤) that the sentence at `ord` does not name: a source words them its own
    /// way. A longer verb (生产 beside 投运) or a noun it does not name still counts against
    /// its figures.
    pub fn weights_worded_at(&self, ord: usize) -> Vec<f32> {
        self.named_around(ord)
            .map(|(term, weight, named)| {
                if term.names_a_thing || named > 0.0 || !is_casual(&term.text) {
                    weight
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// The sentence at `ord` names a word of the question's measure that its document's
    /// title does not. A report on 大同 names the city in every sentence's stead, so the city
    /// says nothing of which measure a sentence states; when the title names them all, the
    /// sentence is not judged (true).
    pub fn names_measure(&self, ord: usize) -> bool {
        self.names_untitled(ord, self.corpus.sentence(ord).normalized)
    }

    /// The sentence at `ord` is of the place the question asks about, when it opens with one:
    /// the sentence, an earlier one of its paragraph, its section or its document's title names
    /// it. A report on 大同 stating 煤炭产量 does not answer 山西省煤炭产量, though a later
    /// sentence of its paragraph mentions 山西.
    pub fn of_asked_place(&self, ord: usize) -> bool {
        self.place.is_empty()
            || self
                .place
                .iter()
                .any(|word| self.corpus.names_here_or_above(ord, word))
    }

    /// `text` (the sentence at `ord` or a part of it) names a word of the question's measure
    /// that the sentence's document title does not; true when the title names them all. A
    /// word of two characters or more the title names counts too when `text` names it itself,
    /// unless the question opens with it or it names a place the question asks about: 算力 of
    /// a report titled 「…算力之城…」 says what a sentence measures, 大同 of a report on 大同
    /// does not.
    fn names_untitled(&self, ord: usize, text: &str) -> bool {
        let title = title_of(self.corpus, ord);
        let named = |at: usize, text: &str| {
            spellings(&self.question.terms[at]).any(|(word, _)| pair_share(word, text) > 0.0)
        };
        let (titled, untitled): (Vec<usize>, Vec<usize>) =
            self.measured.iter().partition(|at| named(**at, &title));
        untitled.is_empty()
            || untitled.iter().any(|at| named(*at, text))
            || titled.iter().any(|at| {
                let word = &self.question.terms[*at].text;
                // One character (镇 of 青禾镇) says no more than the place it ends.
                Some(*at) != self.opening
                    && word.chars().count() > 1
                    && !self
                        .question
                        .places
                        .iter()
                        .any(|place| place.contains(word.as_str()))
                    && named(*at, text)
            })
    }

    /// The sentence at `ord` and its document's title: a report on 大同 need not name it again.
    fn around(&self, ord: usize) -> String {
        let sentence = self.corpus.sentence(ord);
        let title = &self.corpus.document_of(&sentence).source.title;
        format!("{}\n{}", sentence.normalized, normalize(title))
    }

    /// [`AskedMeasure::around`] without the wholes the sentence's shares are of: the words of
    /// 占全市电力总装机容量的53.7% name what 929万千瓦 beside it is a part of, not its measure.
    fn elsewhere(&self, ord: usize) -> String {
        let around = self.around(ord);
        if around.contains('占') {
            SHARE_OF_WHOLE_RE.replace_all(&around, " ").into_owned()
        } else {
            around
        }
    }

    /// [`AskedMeasure::fit`], or `None` for a figure of another period (see
    /// [`AskedMeasure::other_period_in`]).
    pub fn rate(&self, fact: &Fact) -> Option<f32> {
        let normalized = self.corpus.sentence(fact.sentence_idx).normalized;
        (!self.other_period_in(normalized, fact.span.start)).then(|| self.fit(fact))
    }

    /// The figure starting at `start` of the sentence `normalized` is of another period: dated
    /// by its own year (2013年的233天) to a year the question does not ask about.
    fn other_period_in(&self, normalized: &str, start: usize) -> bool {
        let asked = &self.question.years;
        !asked.is_empty()
            && year_of_figure(normalized, start).is_some_and(|year| !asked.contains(&year))
    }

    /// The figures of the sentence at `ord` in `unit` (canonical, or one `same_unit` with it)
    /// that `accept` takes, not dated to a year not asked and stating a measure of their own:
    /// each one's span, fit and kind. Read from the fact index, not the text.
    fn rated_figures(
        &self,
        ord: usize,
        unit: &str,
        accept: &dyn Fn(&FigureRow) -> bool,
    ) -> Vec<(std::ops::Range<usize>, f32, Kind)> {
        let wanted =
            |row: &FigureRow| row.unit().is_some_and(|found| same_unit(found, unit)) && accept(row);
        // Most sentences state no figure in the unit: their text is not read.
        if !self.corpus.figures_of(ord).iter().any(wanted) {
            return Vec::new();
        }
        let sentence = self.corpus.sentence(ord);
        let (mut spans, mut around) = (None, None);
        // A target or forecast is of something not yet running or built: the question's words
        // of that weigh nothing in its fit (预计…服务器规模突破200万台, asked 投运的服务器).
        let is_planned = |row: &FigureRow| matches!(row.kind(), Kind::Target | Kind::Forecast);
        let planned_pool = sentence
            .figures
            .iter()
            .any(|row| wanted(row) && is_planned(row))
            .then(|| MeasurePool {
                weights: unstated_in_plans(self.question, &self.pool.weights),
                sentences: Vec::new(),
                unknown_share: self.pool.unknown_share,
            });
        let planned_measure = planned_pool.as_ref().map(|pool| self.with_pool(pool));
        let mut planned_around = None;
        let mut rated = Vec::new();
        for (at, row) in sentence.figures.iter().enumerate() {
            if !wanted(row) || self.other_period_in(sentence.normalized, row.span().start) {
                continue;
            }
            let spans: &Vec<std::ops::Range<usize>> =
                spans.get_or_insert_with(|| sentence.figures.iter().map(FigureRow::span).collect());
            let Some(context) = figure_context(sentence.normalized, spans, at) else {
                continue;
            };
            let (measure, around) = match &planned_measure {
                Some(planned) if is_planned(row) => (planned, &mut planned_around),
                _ => (self, &mut around),
            };
            let around = around.get_or_insert_with(|| {
                named_in(
                    &measure.question.terms,
                    &measure.pool.weights,
                    &self.elsewhere(ord),
                )
            });
            let fit = measure.fit_with(ord, sentence.normalized, row.span(), &context, around);
            tracing::debug!(
                "figure {:?} of sentence {ord}: fit {fit}",
                &sentence.normalized[row.span()]
            );
            rated.push((row.span(), fit, row.kind()));
        }
        rated
    }

    /// The best-fitting of [`AskedMeasure::rated_figures`]: its span and fit.
    fn best_figure_in(
        &self,
        ord: usize,
        unit: &str,
        accept: &dyn Fn(&FigureRow) -> bool,
    ) -> Option<(std::ops::Range<usize>, f32)> {
        self.rated_figures(ord, unit, accept)
            .into_iter()
            .map(|(span, fit, _)| (span, fit))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// How well the sentence at `ord` states the measure in `unit`: its best figure's fit.
    /// Unless the question asks how something changed, a change (同比增长7.5%) or a place in a
    /// ranking of changes (增速全省第一) does not state it.
    pub fn fit_in_unit(&self, ord: usize, unit: &str, asks_change: bool) -> Option<f32> {
        let normalized = self.corpus.sentence(ord).normalized;
        let states_amount = |row: &FigureRow| match row.kind() {
            Kind::Change => false,
            Kind::Rank => {
                let span = row.span();
                let part_start = start_after(normalized, span.start, PART_ENDS);
                !CHANGE_CUES
                    .iter()
                    .any(|cue| normalized[part_start..span.start].contains(cue))
            }
            _ => true,
        };
        self.best_figure_in(ord, unit, &|row| asks_change || states_amount(row))
            .map(|(_, fit)| fit)
    }

    /// [`AskedMeasure::fit`] of the figure at `span` of the sentence at `ord`, whose part of
    /// the sentence is `context`.
    fn fit_at(&self, ord: usize, span: std::ops::Range<usize>, context: &str) -> f32 {
        let normalized = self.corpus.sentence(ord).normalized;
        let around = named_in(
            &self.question.terms,
            &self.pool.weights,
            &self.elsewhere(ord),
        );
        self.fit_with(ord, normalized, span, context, &around)
    }

    /// [`AskedMeasure::fit_at`] with the sentence's normalised text and how far its
    /// [`AskedMeasure::around`] names each term's words ([`named_in`]) at hand.
    fn fit_with(
        &self,
        ord: usize,
        normalized: &str,
        span: std::ops::Range<usize>,
        context: &str,
        around: &[f32],
    ) -> f32 {
        let named = fit_named(
            &self.question.terms,
            &self.pool.weights,
            &CharPairs::of(context),
            around,
        );
        if named <= 0.0 {
            return 0.0;
        }
        if contrasted(context, &self.worded) {
            return 0.0;
        }
        let measure = measure_of(normalized, span.clone()).text;
        let own = named_share(&measure, &self.question.normalized, &self.question.terms);
        // A figure in the unit the question names whose own words (3A级景区) and own part of
        // the sentence name nothing of the question's measure counts another thing, whatever
        // the rest of the sentence names (博物馆 in the list before 等6个3A级景区); a word its
        // document's title names (大同) says nothing of which. Without a unit the subject of
        // a figure is often named only before it (星桥是…石拱桥，全长218米).
        if own <= 0.0 && self.question.unit.is_some() && !self.names_untitled(ord, context) {
            return 0.0;
        }
        // A figure of another part of a year (前三季度, 国庆假期) is the asked measure less surely.
        let part = if year_part(&normalized[..span.start]) == self.question.year_part {
            1.0
        } else {
            OTHER_PART
        };
        let whole = if opens_with_part(normalized) {
            PART_OF_WHOLE
        } else {
            1.0
        };
        named * (1.0 - OWN_WORDS + OWN_WORDS * own) * part * whole
    }

    /// The sentences a statement is looked for in: the pool, or in a corpus of at most
    /// [`FULL_SCAN_SENTENCES`] sentences every sentence (the fact index is read, not the text,
    /// so a measure worded unlike the question is still found).
    fn candidates(&self) -> Vec<usize> {
        let n = self.corpus.n_sentences();
        // An empty pool (the index found nothing, or no depth is configured) is not widened.
        if n <= FULL_SCAN_SENTENCES && !self.pool.sentences.is_empty() {
            (0..n).collect()
        } else {
            self.pool.sentences.clone()
        }
    }

    /// The statements of a figure in `unit` (canonical) of the `kinds` wanted, each
    /// sentence's best-fitting one (one of what is, one of what is planned), fitting at least `min_fit` and [`BEST_SHARE`] of the best
    /// one's; best first. With asked years, sentences of other years are left out.
    pub fn statements(&self, unit: &str, kinds: &dyn Fn(Kind) -> bool) -> Vec<Statement> {
        let question = self.question;
        let mut found: Vec<Statement> = Vec::new();
        for ord in self.candidates() {
            // What is and what is planned are read apart: 由现在的550亿千瓦时提高至1100亿千瓦时
            // states both.
            let rated = self.rated_figures(ord, unit, &|row| kinds(row.kind()));
            let best = [false, true].map(|planned| {
                rated
                    .iter()
                    .filter(|(_, _, kind)| matches!(kind, Kind::Target | Kind::Forecast) == planned)
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(span, fit, _)| (span.clone(), *fit))
                    .filter(|(_, fit)| *fit >= self.min_fit)
            });
            if best.iter().all(Option::is_none)
                || (!question.years.is_empty()
                    && period_match(self.corpus, ord, &question.years) == PeriodMatch::Other)
            {
                continue;
            }
            let quote = Quote::from_corpus(self.corpus, ord, 0.0, 0.0);
            let facts = facts_of(&quote, self.corpus);
            for (span, fit) in best.into_iter().flatten() {
                if let Some(fact) = facts.iter().find(|fact| fact.span == span) {
                    found.push(Statement {
                        fact: fact.clone(),
                        quote: quote.clone(),
                        fit,
                    });
                }
            }
        }
        found.sort_by(|a, b| b.fit.total_cmp(&a.fit));
        let best = found.first().map_or(0.0, |statement| statement.fit);
        found.retain(|statement| statement.fit >= best * BEST_SHARE);
        found
    }
}

/// The normalised title of the document of the sentence at `ord`, or nothing when it is the
/// sentence itself (a document with no title of its own is titled by its first line).
pub(super) fn title_of(corpus: &Corpus, ord: usize) -> String {
    let sentence = corpus.sentence(ord);
    let title = normalize(&corpus.document_of(&sentence).source.title);
    if sentence.normalized.contains(title.as_str()) {
        String::new()
    } else {
        title
    }
}

/// Whether a sentence opens with 其中 (其中, / 其中：): its figures are parts of a whole.
fn opens_with_part(normalized: &str) -> bool {
    normalized
        .trim_start_matches(|c: char| !is_word_char(c))
        .starts_with("其中")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_opening_with_qizhong_states_parts() {
        assert!(opens_with_part("其中，恒山景区接待游客突破300万人次。"));
        assert!(opens_with_part("“其中：云冈石窟接待游客400万人次"));
        assert!(!opens_with_part(
            "大同市累计接待游客1575万人次，其中外地游客占八成。"
        ));
        assert!(!opens_with_part("其他景区接待游客100万人次。"));
    }

    #[test]
    fn every_sentence_of_a_small_corpus_is_read_for_the_measure() {
        let corpus = crate::answer::tests::corpus();
        let question = crate::question::parse_question(
            "服务器有多少台",
            &crate::question::Synonyms::default(),
        );
        // The index proposed one sentence; the fact index finds the other sources' servers.
        let pool = MeasurePool {
            sentences: vec![0],
            weights: vec![1.0; question.terms.len()],
            unknown_share: 0.0,
        };
        let measure = AskedMeasure::new(&question, &pool, &corpus, 0.5);
        let found = measure.statements("台", &|kind| kind == Kind::Actual);
        let mut docs: Vec<&str> = found.iter().map(|s| s.quote.doc()).collect();
        docs.sort_unstable();
        docs.dedup();
        assert_eq!(
            docs,
            ["1_old.txt", "2_new.txt", "3_page.txt", "4_later.txt"]
        );
        assert!(found.iter().all(|s| s.fact.quantity.unit == "台"));
        // Nothing in another unit, and nothing when the index found nothing.
        assert!(measure.statements("元", &|_| true).is_empty());
        let empty = MeasurePool::default();
        let nothing = measure.with_pool(&empty);
        assert!(nothing.statements("台", &|_| true).is_empty());
    }

    #[test]
    fn words_of_the_whole_a_share_is_of_do_not_name_a_part() {
        let corpus = crate::answer::tests::titled(&[
            (
                "1_news.txt",
                "发布会",
                "2026-01-17",
                "能源保障充足，全市电力总装机达1754.69万千瓦，新能源和可再生能源装机占比达54.35%。",
            ),
            (
                "2_news.txt",
                "发布会",
                "2024-11",
                "目前，大同市新能源和可再生能源装机容量达929万千瓦，占全市电力总装机容量的53.7%。",
            ),
        ]);
        let question = crate::question::parse_question(
            "大同全市电力总装机容量是多少千瓦",
            &crate::question::Synonyms::default(),
        );
        let pool = MeasurePool {
            sentences: vec![0, 1],
            weights: vec![1.0; question.terms.len()],
            unknown_share: 0.0,
        };
        // 全市电力总装机容量 is named beside 929万千瓦 as what 53.7% is a share of.
        let measure = AskedMeasure::new(&question, &pool, &corpus, 0.4);
        let found: Vec<String> = measure
            .statements("千瓦", &|_| true)
            .into_iter()
            .map(|statement| statement.fact.figure)
            .collect();
        assert_eq!(found, ["1754.69万千瓦"]);
    }
}
