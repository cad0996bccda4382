//! The second stage of retrieval: each candidate the index returns is described by its
//! [`Features`] (`features`), scored by the linear [`Ranker`] read from `config/ranker.toml`
//! (`model`). BM25 is recomputed per field with k1 and b suited to sentences (`bm25`) from the
//! sentence's own term counts (`query`), and coverage is the share of the question a sentence
//! holds (`coverage`). The weights are fitted offline by `scripts/fit_ranker.py` on public QA
//! sets. Pure: no I/O, no index access beyond what the caller hands in.

mod bm25;
mod coverage;
mod features;
mod model;
mod query;
mod tokens;

pub use bm25::FieldQuery;
pub use coverage::coverage;
pub(crate) use features::named_features;
pub use features::{Features, N_FEATURES, Standing, features};
pub use model::{Ranker, RankerError, RankerFile};
pub use query::{RerankQuery, char_set, content_chars};

#[cfg(test)]
pub(crate) mod tests {
    use crate::corpus::{CleaningRules, Corpus, RawFile, SourcesFile};

    /// A corpus of one file holding `text`.
    pub fn corpus_of(text: &str) -> Corpus {
        let files = [RawFile {
            name: "a.txt".into(),
            bytes: text.as_bytes().to_vec(),
        }];
        Corpus::build(&files, &SourcesFile::default(), &CleaningRules::default())
    }
}
