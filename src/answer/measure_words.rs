//! The words of a measure: which say what is measured (服务器, 地区生产总值) and which say
//! when, where in the whole or how it is counted (今年, 全市, 规模), so that a figure's measure
//! is compared with a question's on the words that matter.

use std::sync::LazyLock;

use regex::Regex;

use crate::question::vocabulary::asks_figure;
use crate::question::{QueryTerm, Question};
use crate::search::MeasurePool;
use crate::text::char_pairs::pair_text;
use crate::text::figures::leading_unit;
use crate::text::normalize::is_cjk;
use crate::text::segment::names_a_place;

/// A term of digits (and 年, %): a year or a number, not a word of the measure.
pub(super) fn is_number(term: &str) -> bool {
    term.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '年' | '.' | '%'))
}

/// A unit with or without its multiplier (万人, 亿元, 台): what a figure is counted in, not
/// what is counted.
fn is_unit(word: &str) -> bool {
    leading_unit(word).is_some_and(|unit| {
        word.strip_suffix(unit)
            .is_some_and(|multiplier| multiplier.chars().all(|c| "万亿千百十".contains(c)))
    })
}

/// Words that say how a measure is counted, not what it is (规模 in 服务器规模, 钱 in
/// 投了多少钱): a fact need not name them.
pub(super) const GENERIC: &[&str] = &[
    "规模", "数量", "总量", "总数", "数目", "水平", "总额", "体量", "量", "数", "钱",
    // Whether it is counted over the years (累计投资 beside 完成投资) or as a place in a
    // ranking (位列, 名次 beside 稳居全国前三) is how it is put, not what is counted.
    "累计", "排名", "排行", "位居", "位列", "名次", "位次", "排位",
];

/// The pool with no weight on the question's [`GENERIC`] words, unless it names nothing else:
/// 能耗水平PUE是多少 asks about the PUE, and a source stating it need not write 水平.
pub(super) fn without_generic(question: &Question, pool: &MeasurePool) -> MeasurePool {
    let generic = |term: &QueryTerm| GENERIC.contains(&term.text.as_str());
    let weighs_other = question
        .terms
        .iter()
        .zip(&pool.weights)
        .any(|(term, weight)| *weight > 0.0 && !generic(term));
    let mut pool = pool.clone();
    if weighs_other {
        for (term, weight) in question.terms.iter().zip(&mut pool.weights) {
            if generic(term) {
                *weight = 0.0;
            }
        }
    }
    pool
}

/// Words of whether a thing runs or is built (see [`NOT_MEASURE`]).
const RUNNING: &[&str] = &["投运", "在用", "建成"];

/// `weights` with none on the question's words of whether a thing runs or is built, for a
/// target or a forecast: what is planned does not run yet.
pub(super) fn unstated_in_plans(question: &Question, weights: &[f32]) -> Vec<f32> {
    question
        .terms
        .iter()
        .zip(weights)
        .map(|(term, weight)| {
            if RUNNING.contains(&term.text.as_str()) {
                0.0
            } else {
                *weight
            }
        })
        .collect()
}

/// What a term of a question's clause that asks nothing weighs in a figure's fit, against its
/// own weight: it may say why the figure is wanted (想去大同避暑，) or what the asking clause
/// points back to (大同是首批国家历史文化名城之一，这第一批一共有多少座城市).
const OTHER_CLAUSE: f32 = 0.5;

/// The pool with the terms of a question's clauses that ask nothing at [`OTHER_CLAUSE`] of
/// their weight, and those of what a colon ends at none, as long as the asking clause weighs
/// something. A term is in an asking clause
/// when it is written in one that holds a figure cue (多少, 几, 什么水平 …).
pub(super) fn in_asking_clause(question: &Question, pool: &MeasurePool) -> MeasurePool {
    // What comes before a colon only introduces the question (作为投资人想了解：).
    let asked_text = question
        .normalized
        .rsplit_once(['：', ':'])
        .map_or(question.normalized.as_str(), |(_, after)| after);
    let clauses: Vec<&str> = question
        .normalized
        .split(['，', ',', '；', ';', '：', ':', '。'])
        .collect();
    let asking: Vec<&str> = clauses
        .iter()
        .copied()
        .filter(|clause| asks_figure(clause))
        .collect();
    let mut pool = pool.clone();
    if asking.is_empty() || asking.len() == clauses.len() {
        return pool;
    }
    let asked = |term: &QueryTerm| {
        asking
            .iter()
            .any(|clause| clause.contains(term.text.as_str()))
    };
    let weighs = question
        .terms
        .iter()
        .zip(&pool.weights)
        .any(|(term, weight)| *weight > 0.0 && asked(term));
    if weighs {
        // A term the phrasing made (投钱 of 投了多少钱) is written in no clause: it keeps its
        // weight.
        let written = |term: &QueryTerm| question.normalized.contains(term.text.as_str());
        for (term, weight) in question.terms.iter().zip(&mut pool.weights) {
            if !asked(term) && written(term) {
                *weight *= if asked_text.contains(term.text.as_str()) {
                    OTHER_CLAUSE
                } else {
                    0.0
                };
            }
        }
    }
    pool
}

/// The question's terms that can name its measure: words naming things, but neither numbers
/// and years, nor units (万人), nor places jieba knows, nor [`GENERIC`] words (大同2024年旅游收入多少: 大同 and 旅游收入, whether the
/// corpus uses them or not). Their positions in `question.terms`.
pub(super) fn measure_terms(question: &Question) -> Vec<usize> {
    let measure = |term: &QueryTerm| {
        let word = term.text.as_str();
        term.names_a_thing
            && !is_number(word)
            && !is_unit(word)
            && !GENERIC.contains(&word)
            && !names_a_place(word)
    };
    (0..question.terms.len())
        .filter(|at| measure(&question.terms[*at]))
        .collect()
}

/// Words of a measure's text that say when, where in the whole, how or how surely, not what
/// is measured (今年全市粮食总产量有望: 粮食总产量).
pub(super) const NOT_MEASURE: &[&str] = &[
    "今年",
    "去年",
    "全年",
    "当年",
    "上年",
    "目前",
    "现已",
    "现有",
    "如今",
    "截至",
    "近年来",
    "其中",
    "全市",
    "全省",
    "全国",
    "有望",
    "预计",
    "累计",
    "同比",
    "环比",
    "比上年",
    "增长",
    "增加",
    "提高",
    "下降",
    "减少",
    "达到",
    "突破",
    "超过",
    "分别",
    "已经",
    "平均",
    "规模",
    "水平",
    "总量",
    "数量",
    // Whether it runs or is built says which count of the thing, not what the thing is: the
    // sources write 在用服务器 and 投运服务器, 投运机架 and 建成标准机架 for one measure.
    "投运",
    "在用",
    "建成",
];

/// Words that say a figure is a share: of the thing the sentence names beside them (新能源占比,
/// or 占比超过56% after 新能源装机), which is what it measures. A claim keeps them as words of
/// its measure.
const SHARE_OF: &[&str] = &["占比", "比重"];

/// What brackets hold (it explains the word before them: PUE(能耗水平)), a class the measure
/// counts from (二级以上优良天数, 规模以上工业: of 优良天数, of 工业) and the words of
/// [`NOT_MEASURE`] and [`SHARE_OF`].
static NOT_MEASURE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let words: Vec<String> = NOT_MEASURE
        .iter()
        .chain(SHARE_OF)
        .map(|word| regex::escape(word))
        .collect();
    Regex::new(&format!(
        r"[(（][^()（）]*[)）]|\p{{Han}}{{1,2}}及?以上|{}",
        words.join("|")
    ))
    .expect("not-measure pattern is valid")
});

/// The share of `measure`'s pairs of adjacent characters that the question's text or its
/// terms and their synonyms hold (1 when the measure names nothing). Pairs are read within runs of
/// Chinese characters, past the words of [`NOT_MEASURE`].
pub(super) fn named_share(measure: &str, question: &str, terms: &[QueryTerm]) -> f32 {
    let measure = NOT_MEASURE_RE.replace_all(measure, " ");
    // A measure named by an abbreviation the question uses (PUE, GDP) is the one asked.
    if measure
        .split(|ch: char| !ch.is_ascii_alphabetic())
        .any(|word| word.len() >= 2 && question.contains(word))
    {
        return 1.0;
    }
    let named = |pair: &str| {
        question.contains(pair)
            || terms
                .iter()
                .flat_map(|term| std::iter::once(&term.text).chain(&term.synonyms))
                .any(|word| word.contains(pair))
    };
    let (mut n_named, mut n_pairs) = (0, 0);
    let mut buffer = [0_u8; 8];
    for run in measure.split(|c: char| !is_cjk(c)) {
        // 数 ending a measure says it is counted (机架数), as the words of [`GENERIC`] do:
        // the pair it ends is no word of the measure.
        let run = match run.strip_suffix('数') {
            Some(counted) if counted.chars().count() >= 2 => counted,
            _ => run,
        };
        for (first, second) in run.chars().zip(run.chars().skip(1)) {
            n_pairs += 1;
            n_named += usize::from(named(pair_text(first, second, &mut buffer)));
        }
    }
    if n_pairs == 0 {
        1.0
    } else {
        n_named as f32 / n_pairs as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_is_not_a_word_of_the_measure() {
        let question = crate::question::parse_question(
            "常住人口有多少萬人",
            &crate::question::Synonyms::default(),
        );
        let words: Vec<&str> = measure_terms(&question)
            .into_iter()
            .map(|at| question.terms[at].text.as_str())
            .collect();
        assert!(words.contains(&"常住人口"), "{words:?}");
        assert!(
            !words
                .iter()
                .any(|word| word.contains('人') && *word != "常住人口"),
            "{words:?}"
        );
        assert!(is_unit("万人") && is_unit("亿元") && is_unit("台"));
        assert!(!is_unit("人口") && !is_unit("万人次游客"));
    }

    #[test]
    fn whether_a_thing_runs_or_is_built_is_not_its_measure() {
        // 在用服务器 states what 投运服务器 asks about; 在用 and 投运 are not compared.
        assert_eq!(named_share("在用服务器", "投运服务器多少台", &[]), 1.0);
        assert_eq!(named_share("累计建成机架", "投运机架多少", &[]), 1.0);
        assert_eq!(
            named_share("投运机架数", "数据中心的机架规模有多少架", &[]),
            1.0
        );
        // What is counted still is: 服务器 does not name 机架.
        assert!(named_share("在用服务器", "投运机架多少", &[]) < 0.5);
        // A target or forecast is weighed without the question's 投运.
        let question = crate::question::parse_question(
            "投运服务器有多少台",
            &crate::question::Synonyms::default(),
        );
        let texts: Vec<&str> = question.terms.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["投运", "服务器"]);
        assert_eq!(unstated_in_plans(&question, &[2.0, 3.0]), [0.0, 3.0]);
    }

    #[test]
    fn a_share_is_of_the_thing_named_beside_it() {
        // 占比 says the figure is a share, not of what: 其中新能源占比 measures 新能源.
        assert_eq!(named_share("占比", "新能源装机占几成", &[]), 1.0);
        assert_eq!(named_share("其中新能源占比", "新能源装机占几成", &[]), 1.0);
        assert!(named_share("应届生占比", "新能源装机占几成", &[]) < 0.5);
        // Nor does the class it counts from: 二级以上优良天数 are 优良天数.
        assert_eq!(
            named_share("二级以上优良天数", "空气优良天数有多少", &[]),
            1.0
        );
    }

    /// A question and a pool weighing each of its terms 1.
    fn evenly_weighed(text: &str) -> (Question, MeasurePool) {
        let question = crate::question::parse_question(text, &crate::question::Synonyms::default());
        let pool = MeasurePool {
            weights: vec![1.0; question.terms.len()],
            ..MeasurePool::default()
        };
        (question, pool)
    }

    #[test]
    fn a_clause_that_asks_nothing_weighs_half() {
        let (question, pool) = evenly_weighed("想去大同避暑，那里夏天平均气温多少度");
        let weighed = in_asking_clause(&question, &pool);
        let weight_of = |word: &str| {
            let at = question.terms.iter().position(|term| term.text == word);
            weighed.weights[at.unwrap_or_else(|| panic!("{word} in {:?}", question.terms))]
        };
        assert_eq!(weight_of("避暑"), OTHER_CLAUSE);
        assert_eq!(weight_of("平均气温"), 1.0);
        // What a colon ends at only introduces the question.
        let (introduced, pool) = evenly_weighed("作为投资人想了解：服务器规模有多大");
        let weighed = in_asking_clause(&introduced, &pool);
        for (term, weight) in introduced.terms.iter().zip(&weighed.weights) {
            let expected = if term.text == "服务器" || term.text == "规模" {
                1.0
            } else {
                0.0
            };
            assert_eq!(*weight, expected, "{}", term.text);
        }
        // A term the phrasing made is in no clause and keeps its weight.
        let (joined, pool) = evenly_weighed("作为投资人想了解：累计投了多少钱");
        let weighed = in_asking_clause(&joined, &pool);
        let made = joined.terms.iter().position(|term| term.text == "投钱");
        assert_eq!(
            made.map(|at| weighed.weights[at]),
            Some(1.0),
            "{:?}",
            joined.terms
        );
        // One clause: nothing changes.
        let (single, pool) = evenly_weighed("大同夏天平均气温多少度");
        assert_eq!(in_asking_clause(&single, &pool).weights, pool.weights);
    }

    #[test]
    fn words_of_how_a_measure_is_counted_weigh_nothing_beside_others() {
        let question = crate::question::parse_question(
            "机架规模有多大",
            &crate::question::Synonyms::default(),
        );
        let texts: Vec<&str> = question.terms.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["机架", "规模"]);
        let pool = MeasurePool {
            weights: vec![2.0, 1.0],
            ..MeasurePool::default()
        };
        assert_eq!(without_generic(&question, &pool).weights, [2.0, 0.0]);
        // Nothing else weighed: 规模 keeps its weight.
        let only = MeasurePool {
            weights: vec![0.0, 1.0],
            ..MeasurePool::default()
        };
        assert_eq!(without_generic(&question, &only).weights, [0.0, 1.0]);
        // How a rank or a running total is put is no word of what is ranked or counted.
        let ranked = crate::question::parse_question(
            "算力指数累计位列第几",
            &crate::question::Synonyms::default(),
        );
        let texts: Vec<&str> = ranked.terms.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["算力", "指数", "累计", "位列", "第几"]);
        let pool = MeasurePool {
            weights: vec![1.0; 5],
            ..MeasurePool::default()
        };
        assert_eq!(
            without_generic(&ranked, &pool).weights,
            [1.0, 1.0, 0.0, 0.0, 1.0]
        );
    }
}
