//! BM25 of a field, computed by the re-ranker from term frequencies it counts itself: the
//! question's tokens with their weights times their IDF in the field, saturated with the
//! ranker's k1 and b, and divided by the score of a text with every token at saturation.

use rustc_hash::FxHashMap;

use super::model::Ranker;

/// What scoring a field needs from the index: the question's tokens with their weight (1, or
/// less for a synonym's) times their IDF in the field, and the field's mean length in tokens.
#[derive(Debug, Clone)]
pub struct FieldQuery<'q> {
    /// Token → position in `weights` and in term-frequency vectors.
    pub(super) ids: FxHashMap<&'q str, usize>,
    pub(super) weights: Vec<f32>,
    mean_len: f32,
    /// The score a sentence would get with every token at saturation: features are divided by
    /// it, so they lie in 0..1 whatever the question's length.
    ceiling: f32,
}

impl<'q> FieldQuery<'q> {
    /// `tokens` with their weights, `idf` of each, and the field's mean length.
    pub fn new(
        tokens: &'q [(String, f32)],
        idf: impl Fn(&str) -> f32,
        mean_len: f32,
        k1: f32,
    ) -> Self {
        let mut ids = FxHashMap::default();
        let mut weighted = Vec::with_capacity(tokens.len());
        for (token, weight) in tokens {
            ids.insert(token.as_str(), weighted.len());
            weighted.push(weight * idf(token));
        }
        let ceiling = weighted.iter().sum::<f32>() * (k1 + 1.0);
        FieldQuery {
            ids,
            weights: weighted,
            mean_len: mean_len.max(1.0),
            ceiling,
        }
    }

    /// BM25 of a text given its term frequencies (one per query token) and length.
    pub fn bm25(&self, tf: &[u32], len: u32, ranker: &Ranker) -> f32 {
        self.bm25_against(tf, len, self.mean_len, ranker)
    }

    /// BM25 of a text of another kind than the field's (a paragraph), whose kind has
    /// `mean_len` tokens on average.
    pub fn bm25_against(&self, tf: &[u32], len: u32, mean_len: f32, ranker: &Ranker) -> f32 {
        if self.ceiling <= 0.0 {
            return 0.0;
        }
        let mean_len = mean_len.max(1.0);
        let norm = ranker.k1 * (1.0 - ranker.b + ranker.b * len as f32 / mean_len);
        let score: f32 = self
            .weights
            .iter()
            .zip(tf)
            .filter(|(_, tf)| **tf > 0)
            .map(|(weight, &tf)| {
                let tf = tf as f32;
                weight * tf * (ranker.k1 + 1.0) / (tf + norm)
            })
            .sum();
        score / self.ceiling
    }
}
