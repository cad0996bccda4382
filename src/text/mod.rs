//! Text as the corpus and questions both see it: normalisation (Traditional → Simplified,
//! width, case; one character for one), jieba segmentation, character bigrams, figures and the years a text states. Pure,
//! and the bottom layer beside `config`: it imports nothing else of the crate.

pub mod bigrams;
pub mod char_pairs;
pub mod figures;
pub mod normalize;
pub mod periods;
pub mod segment;
pub mod values;
