//! The re-ranker's model: a linear model over the named [`Features`], with BM25's k1 and b,
//! read from `config/ranker.toml`. The file is fitted by `scripts/fit_ranker.py`, not edited by
//! hand; it must weigh every feature by name, and nothing else.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::features::{Features, N_FEATURES};
use crate::config::{ConfigError, read_toml};

/// The linear model: one weight per feature, and BM25's k1 and b.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranker {
    pub weights: Features,
    pub k1: f32,
    pub b: f32,
}

/// `config/ranker.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankerFile {
    pub k1: f32,
    pub b: f32,
    pub weights: HashMap<String, f32>,
}

/// Why a weights file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RankerError {
    /// The file could not be read or is not valid TOML.
    #[error(transparent)]
    File(#[from] ConfigError),
    /// The file weighs a feature the ranker does not have.
    #[error("{0}: unknown feature '{1}' (known: {known})", known = Features::NAMES.join(", "))]
    UnknownFeature(PathBuf, String),
    /// The file leaves features out (it was fitted for another set of features).
    #[error(
        "{0}: no weight for {1} (the file must weigh all {N_FEATURES} features; refit it with scripts/fit_ranker.py)"
    )]
    MissingFeatures(PathBuf, String),
    /// A weight is infinite or not a number.
    #[error("{0}: the weight of '{1}' is not a number")]
    NotANumber(PathBuf, String),
    /// k1 or b out of range.
    #[error("{0}: k1 must be positive and b between 0 and 1 (k1 = {1}, b = {2})")]
    Bm25(PathBuf, f32, f32),
}

/// The weights shipped with the program, used when no file is given (tests, data-set
/// evaluation with default settings).
const SHIPPED: &str = include_str!("../../config/ranker.toml");

impl Ranker {
    /// Reads and checks `config/ranker.toml`.
    pub fn load(path: &Path) -> Result<Ranker, RankerError> {
        let file: RankerFile = read_toml(path)?;
        Ranker::from_file(path, file)
    }

    /// Checks the file (read from `path`): every feature weighed by name and nothing else,
    /// weights finite, BM25 parameters in range.
    pub fn from_file(path: &Path, file: RankerFile) -> Result<Ranker, RankerError> {
        let path = || path.to_path_buf();
        let mut weights = [0.0; N_FEATURES];
        for (name, weight) in &file.weights {
            let Some(at) = Features::NAMES.iter().position(|known| known == name) else {
                return Err(RankerError::UnknownFeature(path(), name.clone()));
            };
            if !weight.is_finite() {
                return Err(RankerError::NotANumber(path(), name.clone()));
            }
            weights[at] = *weight;
        }
        let missing: Vec<&str> = Features::NAMES
            .into_iter()
            .filter(|name| !file.weights.contains_key(*name))
            .collect();
        if !missing.is_empty() {
            return Err(RankerError::MissingFeatures(path(), missing.join(", ")));
        }
        if !(file.k1 > 0.0 && file.k1.is_finite() && (0.0..=1.0).contains(&file.b)) {
            return Err(RankerError::Bm25(path(), file.k1, file.b));
        }
        Ok(Ranker {
            weights: Features::from_values(weights),
            k1: file.k1,
            b: file.b,
        })
    }

    /// The shipped model.
    pub fn shipped() -> Ranker {
        let file: RankerFile = toml::from_str(SHIPPED).expect("shipped ranker.toml parses");
        Ranker::from_file(Path::new("config/ranker.toml"), file)
            .expect("shipped ranker.toml is valid")
    }

    /// The model's score of a candidate.
    pub fn score(&self, features: &Features) -> f32 {
        self.weights
            .values()
            .iter()
            .zip(features.values())
            .map(|(w, f)| w * f)
            .sum()
    }
}

impl Default for Ranker {
    fn default() -> Self {
        Ranker::shipped()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped file with its `[weights]` table replaced by `weights` lines.
    fn file(weights: &str, bm25: &str) -> Result<Ranker, RankerError> {
        let text = format!("{bm25}\n[weights]\n{weights}");
        Ranker::from_file(Path::new("r.toml"), toml::from_str(&text).unwrap())
    }

    fn all_weights(weight_of: impl Fn(&str) -> f32) -> String {
        Features::NAMES
            .iter()
            .map(|name| format!("{name} = {}\n", weight_of(name)))
            .collect()
    }

    #[test]
    fn reads_and_checks_weight_files() {
        let bm25 = "k1 = 0.9\nb = 0.4";
        let weights = all_weights(|name| match name {
            "bigrams" => 2.0,
            "coverage" => 1.5,
            _ => 0.0,
        });
        let ranker = file(&weights, bm25).unwrap();
        let features = Features {
            bigrams: 0.5,
            coverage: 1.0,
            passage: 1.0,
            ..Features::default()
        };
        assert!((ranker.score(&features) - 2.5).abs() < 1e-6);
        let err = file(&format!("{weights}nope = 1.0\n"), bm25).unwrap_err();
        assert!(matches!(err, RankerError::UnknownFeature(_, ref name) if name == "nope"));
        let err = file("bigrams = 1.0\n", bm25).unwrap_err();
        assert!(err.to_string().contains("passage"), "{err}");
        assert!(file(&weights, "k1 = 0.9\nb = 1.4").is_err());
        assert!(file(&weights, "k1 = 0.0\nb = 0.4").is_err());
        assert!(file(&weights.replace("words = 0", "words = nan"), bm25).is_err());
        assert_eq!(Ranker::shipped(), Ranker::default());
    }
}
