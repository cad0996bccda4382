//! How sure quotebot is that a ranked sentence answers the question: gradient-boosted trees
//! over what the reply looks like (the sentence's score and its margin over the next, how much of
//! the question it covers, whether it names the asked attribute or states a figure in the
//! asked unit, what kind of question it is), read from `config/decision.toml`. The model is
//! fitted by `scripts/fit_decision.py` on answerable and unanswerable question sets, so its
//! output is a probability: a quote is shown when it passes `answer_threshold` (the first) or
//! `more_quotes_threshold` (the others).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::candidates::Candidate;
use super::forest::{Forest, Tree};
use crate::config::{ConfigError, read_toml};
use crate::corpus::Corpus;
use crate::question::{QueryTerm, Question};
use crate::rank::named_features;

named_features! {
    /// What the decision reads of one ranked sentence and its question.
    Inputs, N_INPUTS,
    /// The ranker's score.
    score,
    /// The best sentence's score minus this one's (0 for the best).
    gap,
    /// This sentence's score minus the next one's.
    margin,
    /// ln(1 + position in the ranking).
    rank,
    /// IDF-weighted share of the question this sentence covers.
    coverage,
    /// The best coverage among the sentences the decision looks at.
    best_coverage,
    /// IDF-weighted share of the question no sentence of the corpus contains.
    unknown,
    /// The question asks for an amount and the sentence states a new one.
    figure,
    /// The question asks for a time and the sentence states a new one.
    date,
    /// The question asks for a person, place or organisation and the sentence names a new one.
    entity,
    /// The sentence holds the noun a 什么/哪个 question asks for.
    answer_head,
    /// Share of the question's numbers the sentence repeats.
    numbers,
    /// Longest run of the question's bigrams in the sentence, over the question's bigrams.
    run,
    /// Distinct matched bigrams over the span they cover.
    proximity,
    /// Share of the question's characters the sentence uses.
    characters,
    /// Share of the question's characters the sentence and its neighbours use.
    characters_window,
    /// Share of the characters after the question word the sentence uses.
    characters_after_asked,
    /// The index's score over the best candidate's.
    first_stage,
    /// Bigram BM25 of the whole paragraph over the best-matching paragraph's.
    passage,
    /// Share of the candidates from the sentence's paragraph.
    paragraph_share,
    /// The question asks for an amount.
    wants_figure,
    /// The question asks for a time.
    wants_date,
    /// The question asks for a person, place or organisation.
    asks_entity,
    /// The question asks for a kind of thing (什么奖, 哪个国家).
    asks_kind,
    /// ln(1 + the question's content terms).
    terms,
    /// The question names the attribute it asks for (收入 in 旅游收入是多少).
    attribute_asked,
    /// The sentence names that attribute (or a synonym).
    attribute_here,
    /// A neighbour names it and the sentence does not.
    attribute_near,
    /// The question asks for an amount in a unit (多少亿元).
    unit_asked,
    /// The sentence states a figure in that unit.
    unit_here,
    /// Bigram BM25 of the sentence.
    bigrams,
    /// jieba-word BM25 of the sentence.
    words,
    /// Bigram BM25 of the sentence with its ±1 neighbours.
    window,
    /// Bigram BM25 of the sentence before, in the paragraph.
    previous,
    /// Bigram BM25 of the sentence after, in the paragraph.
    next,
    /// Best bigram BM25 among the candidates of the sentence's paragraph.
    paragraph_best,
    /// ln(1 + bigrams in the sentence).
    length,
    /// Share of the question's characters the sentence before uses.
    characters_previous,
    /// Share of the question's characters the sentence after uses.
    characters_next,
    /// The sentence is next to the best-ranked one (the best: next to the second), in one
    /// paragraph: an answer often follows the sentence that only repeats the question.
    next_to_best,
    /// The sentence opens with a word that points back (该/这/此/其/他…): its topic is in the
    /// sentence before.
    opens_with_reference,
}

/// Words that open a sentence whose topic is named before it.
const REFERENCES: &[&str] = &[
    "该", "这", "此", "其", "他", "她", "它", "同年", "当年", "次年", "翌年", "后来", "之后",
    "随后", "此后", "那", "彼",
];

/// The decision's model, its two floors, and the re-ranker of the sentences it looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    forest: Forest,
    /// Orders the sentences the decision looks at (no trees: the ranker's order stays).
    order: Forest,
    /// A reply quotes something only when a sentence's confidence reaches this.
    pub answer_threshold: f32,
    /// Quotes after the first are shown only when their own confidence reaches this.
    pub more_quotes_threshold: f32,
}

/// `config/decision.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionFile {
    pub answer_threshold: f32,
    pub more_quotes_threshold: f32,
    /// The inputs' names in the order the trees number them.
    pub inputs: Vec<String>,
    /// The confidence's trees.
    #[serde(default)]
    pub tree: Vec<Tree>,
    /// The re-ranker's trees (a ranking objective: only their order means anything).
    #[serde(default)]
    pub order_tree: Vec<Tree>,
}

/// Why a decision file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DecisionError {
    /// The file could not be read or is not valid TOML.
    #[error(transparent)]
    File(#[from] ConfigError),
    /// The file was fitted for other inputs.
    #[error(
        "{0}: fitted for other inputs (the file must name these, in order: {known}; refit it with scripts/fit_decision.py)",
        known = Inputs::NAMES.join(", ")
    )]
    Inputs(PathBuf),
    /// A tree points outside itself or at an input that does not exist, or holds a value
    /// that is not a number.
    #[error("{0}: {1} {2} is malformed")]
    Tree(PathBuf, &'static str, usize),
    /// A threshold is not a probability.
    #[error("{0}: answer_threshold and more_quotes_threshold must be between 0 and 1")]
    Range(PathBuf),
}

const SHIPPED: &str = include_str!("../../config/decision.toml");

impl Decision {
    /// Reads and checks `config/decision.toml`.
    pub fn load(path: &Path) -> Result<Decision, DecisionError> {
        let file: DecisionFile = read_toml(path)?;
        Decision::from_file(path, file)
    }

    /// Checks the file (read from `path`): the inputs named as the program has them, every
    /// tree well formed (so that evaluating one cannot index out of bounds or loop),
    /// thresholds probabilities.
    pub fn from_file(path: &Path, file: DecisionFile) -> Result<Decision, DecisionError> {
        // A file without trees reads no input (every confidence is one half): what the fitting
        // script starts from when the inputs change.
        let reads_inputs = !(file.tree.is_empty() && file.order_tree.is_empty());
        if reads_inputs && file.inputs.iter().map(String::as_str).ne(Inputs::NAMES) {
            return Err(DecisionError::Inputs(path.to_path_buf()));
        }
        let forest = Forest::pack(&file.tree, N_INPUTS)
            .map_err(|at| DecisionError::Tree(path.to_path_buf(), "tree", at))?;
        let order = Forest::pack(&file.order_tree, N_INPUTS)
            .map_err(|at| DecisionError::Tree(path.to_path_buf(), "order_tree", at))?;
        let probability = |p: f32| (0.0..=1.0).contains(&p);
        if !(probability(file.answer_threshold) && probability(file.more_quotes_threshold)) {
            return Err(DecisionError::Range(path.to_path_buf()));
        }
        Ok(Decision {
            forest,
            order,
            answer_threshold: file.answer_threshold,
            more_quotes_threshold: file.more_quotes_threshold,
        })
    }

    /// The shipped model.
    pub fn shipped() -> Decision {
        let file: DecisionFile = toml::from_str(SHIPPED).expect("shipped decision.toml parses");
        Decision::from_file(Path::new("config/decision.toml"), file)
            .expect("shipped decision.toml is valid")
    }

    /// The probability that a sentence described by `inputs` answers its question.
    pub fn confidence(&self, inputs: &Inputs) -> f32 {
        self.judge_each(std::slice::from_ref(inputs)).0[0]
    }

    /// The re-ranker's score of a sentence (higher first), or `None` when the file has no
    /// re-ranker.
    pub fn order(&self, inputs: &Inputs) -> Option<f64> {
        self.judge_each(std::slice::from_ref(inputs))
            .1
            .first()
            .copied()
    }

    /// [`Decision::confidence`] and [`Decision::order`] of each of `inputs` (no orders when
    /// the file has no re-ranker), the trees walked for all of them at once.
    pub fn judge_each(&self, inputs: &[Inputs]) -> (Vec<f32>, Vec<f64>) {
        let values: Vec<[f32; N_INPUTS]> = inputs.iter().map(Inputs::values).collect();
        let slices: Vec<&[f32]> = values.iter().map(|values| values.as_slice()).collect();
        let confidences = self
            .forest
            .score_each(&slices)
            .into_iter()
            .map(|logit| (1.0 / (1.0 + (-logit).exp())) as f32)
            .collect();
        let orders = if self.order.is_empty() {
            Vec::new()
        } else {
            self.order.score_each(&slices)
        };
        (confidences, orders)
    }
}

impl Default for Decision {
    fn default() -> Self {
        Decision::shipped()
    }
}

/// The inputs of the sentence at `at` of `ranked` (best first, with the ranker's scores).
pub fn inputs(
    question: &Question,
    corpus: &Corpus,
    ranked: &[(f32, &Candidate)],
    at: usize,
    unknown_share: f32,
    best_coverage: f32,
) -> Inputs {
    let (score, candidate) = ranked[at];
    let features = &candidate.features;
    let best = ranked.first().map_or(score, |(best, _)| *best);
    let next = ranked.get(at + 1).map_or(score, |(next, _)| *next);
    let flag = |on: bool| if on { 1.0 } else { 0.0 };
    let ord = candidate.sentence_idx;
    let names = |ord: usize, term: &QueryTerm| {
        let text = corpus.sentence(ord).normalized;
        std::iter::once(&term.text)
            .chain(&term.synonyms)
            .any(|word| text.contains(word.as_str()))
    };
    let (attribute_here, attribute_near) = match &question.attribute {
        Some(term) => {
            let here = names(ord, term);
            let near = !here && corpus.neighbours_of(ord).any(|n| names(n, term));
            (here, near)
        }
        None => (false, false),
    };
    let sentence = corpus.sentence(ord);
    let text = sentence.normalized;
    // The fact index's figures, read when the corpus was built.
    let unit_here = question.unit.is_some_and(|unit| {
        sentence.figures.iter().any(|row| {
            text.get(row.span())
                .is_some_and(|figure| figure.contains(unit))
        })
    });
    let other = if at == 0 {
        ranked.get(1)
    } else {
        ranked.first()
    };
    let next_to_best = other.is_some_and(|(_, other)| {
        corpus
            .neighbours_of(ord)
            .any(|neighbour| neighbour == other.sentence_idx)
    });
    Inputs {
        score,
        gap: best - score,
        margin: score - next,
        rank: (1.0 + at as f32).ln(),
        coverage: features.coverage,
        best_coverage,
        unknown: unknown_share,
        figure: features.figure,
        date: features.date,
        entity: features.entity,
        answer_head: features.answer_head,
        numbers: features.numbers,
        run: features.run,
        proximity: features.proximity,
        characters: features.characters,
        characters_window: features.characters_window,
        characters_after_asked: features.characters_after_asked,
        first_stage: features.first_stage,
        passage: features.passage,
        paragraph_share: features.paragraph_share,
        wants_figure: flag(question.wants_figure),
        wants_date: flag(question.wants_date),
        asks_entity: flag(question.asks.is_some()),
        asks_kind: flag(question.answer_head.is_some()),
        terms: (1.0 + question.terms.len() as f32).ln(),
        attribute_asked: flag(question.attribute.is_some()),
        attribute_here: flag(attribute_here),
        attribute_near: flag(attribute_near),
        unit_asked: flag(question.unit.is_some()),
        unit_here: flag(unit_here),
        bigrams: features.bigrams,
        words: features.words,
        window: features.window,
        previous: features.previous,
        next: features.next,
        paragraph_best: features.paragraph_best,
        length: features.length,
        characters_previous: features.characters_previous,
        characters_next: features.characters_next,
        next_to_best: flag(next_to_best),
        opens_with_reference: flag(REFERENCES.iter().any(|word| text.starts_with(word))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(trees: &str, thresholds: &str) -> Result<Decision, DecisionError> {
        let names: Vec<String> = Inputs::NAMES.iter().map(|n| format!("{n:?}")).collect();
        let text = format!("{thresholds}\ninputs = [{}]\n{trees}", names.join(", "));
        Decision::from_file(Path::new("d.toml"), toml::from_str(&text).unwrap())
    }

    const THRESHOLDS: &str = "answer_threshold = 0.5\nmore_quotes_threshold = 0.6";

    #[test]
    fn walks_the_trees_and_sums_their_leaves() {
        // Tree 1 splits on coverage (input 4) at 0.5, then on unit_here (input 29) at 0.5;
        // tree 2 is a constant.
        let trees = "[[tree]]\nsplit = [4, 29]\nthreshold = [0.5, 0.5]\nleft = [-1, -2]\n\
                     right = [1, -3]\nleaf = [-2.0, 0.0, 2.0]\n\
                     [[tree]]\nsplit = []\nthreshold = []\nleft = []\nright = []\nleaf = [0.5]\n";
        let decision = file(trees, THRESHOLDS).unwrap();
        let inputs = |coverage: f32, unit_here: f32| Inputs {
            coverage,
            unit_here,
            ..Inputs::default()
        };
        let sigmoid = |x: f64| (1.0 / (1.0 + (-x).exp())) as f32;
        assert!((decision.confidence(&inputs(0.2, 1.0)) - sigmoid(-1.5)).abs() < 1e-6);
        assert!((decision.confidence(&inputs(0.9, 0.0)) - sigmoid(0.5)).abs() < 1e-6);
        assert!((decision.confidence(&inputs(0.9, 1.0)) - sigmoid(2.5)).abs() < 1e-6);
        // No re-ranker in this file; the same trees as one order it by their raw sum.
        assert_eq!(decision.order(&inputs(0.9, 1.0)), None);
        let reordering = file(
            &format!("{trees}{}", trees.replace("[[tree]]", "[[order_tree]]")),
            THRESHOLDS,
        )
        .unwrap();
        assert_eq!(reordering.order(&inputs(0.9, 1.0)), Some(2.5));
        assert_eq!(reordering.order(&inputs(0.2, 1.0)), Some(-1.5));
    }

    #[test]
    fn refuses_malformed_files() {
        let tree = |split: &str, left: &str, leaf: &str| {
            format!(
                "[[tree]]\nsplit = [{split}]\nthreshold = [0.5]\nleft = [{left}]\nright = [-2]\nleaf = [{leaf}]\n"
            )
        };
        assert!(file(&tree("4", "-1", "1.0, 2.0"), THRESHOLDS).is_ok());
        // A split on an input that does not exist, a child pointing back up, a leaf missing.
        assert!(file(&tree("99", "-1", "1.0, 2.0"), THRESHOLDS).is_err());
        assert!(file(&tree("4", "0", "1.0, 2.0"), THRESHOLDS).is_err());
        assert!(file(&tree("4", "-1", "1.0"), THRESHOLDS).is_err());
        let thresholds = "answer_threshold = 1.5\nmore_quotes_threshold = 0.6";
        assert!(file(&tree("4", "-1", "1.0, 2.0"), thresholds).is_err());
        // A malformed re-ranker tree is named as such.
        let order = tree("4", "0", "1.0, 2.0").replace("[[tree]]", "[[order_tree]]");
        let err = file(&order, THRESHOLDS).unwrap_err().to_string();
        assert!(err.contains("order_tree 0"), "{err}");
        // Trees fitted for other inputs are refused; a file without trees reads none.
        let other_inputs = |trees: &str| {
            let text = format!(
                "answer_threshold = 0.5\nmore_quotes_threshold = 0.6\ninputs = [\"coverage\"]\n{trees}"
            );
            Decision::from_file(Path::new("d.toml"), toml::from_str(&text).unwrap())
        };
        assert!(other_inputs(&tree("0", "-1", "1.0, 2.0")).is_err());
        let constant = other_inputs("tree = []").unwrap();
        assert_eq!(constant.confidence(&Inputs::default()), 0.5);
        assert_eq!(constant.order(&Inputs::default()), None);
        assert_eq!(Decision::shipped(), Decision::default());
    }
}
