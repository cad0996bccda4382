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
use crate::config::{ConfigError, read_toml};
use crate::corpus::Corpus;
use crate::question::{QueryTerm, Question};
use crate::rank::named_features;
use crate::text::figures::figures_in_normalized;

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
}

/// The decision's model and its two floors.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    forest: Forest,
    /// A reply quotes something only when a sentence's confidence reaches this.
    pub answer_threshold: f32,
    /// Quotes after the first are shown only when their own confidence reaches this.
    pub more_quotes_threshold: f32,
}

/// One regression tree of the boosted model. Node `i` sends an input vector left when
/// `inputs[split[i]] <= threshold[i]`; a child below zero is the leaf `-child - 1`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tree {
    pub split: Vec<usize>,
    pub threshold: Vec<f64>,
    pub left: Vec<i32>,
    pub right: Vec<i32>,
    pub leaf: Vec<f64>,
}

/// The trees packed into one array of nodes and one of leaves, so that a walk touches one
/// small node per level instead of four arrays per tree. A child at or above zero is a node,
/// below zero the leaf `-child - 1`; so is a root.
#[derive(Debug, Clone, Default, PartialEq)]
struct Forest {
    nodes: Vec<Node>,
    leaves: Vec<f64>,
    roots: Vec<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Node {
    threshold: f64,
    split: u32,
    /// Where inputs at or below the threshold go, then the others.
    children: [i32; 2],
}

impl Forest {
    /// Packs well-formed trees (see [`well_formed`]).
    fn pack(trees: &[Tree]) -> Forest {
        let mut forest = Forest::default();
        for tree in trees {
            let (node_base, leaf_base) = (forest.nodes.len() as i32, forest.leaves.len() as i32);
            let moved = |child: i32| {
                if child < 0 {
                    child - leaf_base
                } else {
                    child + node_base
                }
            };
            forest.roots.push(if tree.split.is_empty() {
                moved(-1)
            } else {
                node_base
            });
            for at in 0..tree.split.len() {
                forest.nodes.push(Node {
                    threshold: tree.threshold[at],
                    split: tree.split[at] as u32,
                    children: [moved(tree.left[at]), moved(tree.right[at])],
                });
            }
            forest.leaves.extend(&tree.leaf);
        }
        forest
    }

    /// The sum of the leaves `values` reach.
    fn score(&self, values: &[f32; N_INPUTS]) -> f64 {
        self.roots
            .iter()
            .map(|&root| {
                let mut at = root;
                while at >= 0 {
                    let node = &self.nodes[at as usize];
                    let right = f64::from(values[node.split as usize]) > node.threshold;
                    at = node.children[usize::from(right)];
                }
                self.leaves[(-at - 1) as usize]
            })
            .sum()
    }
}

/// `config/decision.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionFile {
    pub answer_threshold: f32,
    pub more_quotes_threshold: f32,
    /// The inputs' names in the order the trees number them.
    pub inputs: Vec<String>,
    pub tree: Vec<Tree>,
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
    #[error("{0}: tree {1} is malformed")]
    Tree(PathBuf, usize),
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
        if file.inputs.iter().map(String::as_str).ne(Inputs::NAMES) {
            return Err(DecisionError::Inputs(path.to_path_buf()));
        }
        for (at, tree) in file.tree.iter().enumerate() {
            if !well_formed(tree) {
                return Err(DecisionError::Tree(path.to_path_buf(), at));
            }
        }
        let probability = |p: f32| (0.0..=1.0).contains(&p);
        if !(probability(file.answer_threshold) && probability(file.more_quotes_threshold)) {
            return Err(DecisionError::Range(path.to_path_buf()));
        }
        Ok(Decision {
            forest: Forest::pack(&file.tree),
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
        let logit = self.forest.score(&inputs.values());
        (1.0 / (1.0 + (-logit).exp())) as f32
    }
}

impl Default for Decision {
    fn default() -> Self {
        Decision::shipped()
    }
}

/// Every array as long as it must be, every split on an input that exists, every child a node
/// further down (so a walk ends) or a leaf that exists, every number finite.
fn well_formed(tree: &Tree) -> bool {
    let nodes = tree.split.len();
    let child_ok = |at: usize, child: i32| {
        if child < 0 {
            ((-child - 1) as usize) < tree.leaf.len()
        } else {
            (child as usize) > at && (child as usize) < nodes
        }
    };
    tree.threshold.len() == nodes
        && tree.left.len() == nodes
        && tree.right.len() == nodes
        && tree.leaf.len() == nodes + 1
        && tree.split.iter().all(|&input| input < N_INPUTS)
        && tree
            .threshold
            .iter()
            .chain(&tree.leaf)
            .all(|v| v.is_finite())
        && (0..nodes).all(|at| child_ok(at, tree.left[at]) && child_ok(at, tree.right[at]))
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
    let unit_here = question.unit.is_some_and(|unit| {
        figures_in_normalized(corpus.sentence(ord).normalized).any(|figure| figure.contains(unit))
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
        let other_inputs = "answer_threshold = 0.5\nmore_quotes_threshold = 0.6\n\
                            inputs = [\"coverage\"]\ntree = []";
        assert!(
            Decision::from_file(Path::new("d.toml"), toml::from_str(other_inputs).unwrap())
                .is_err()
        );
        assert_eq!(Decision::shipped(), Decision::default());
    }
}
