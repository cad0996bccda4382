//! The index schema: the field names (written once, here), the tokenizer of the text field, and
//! the handles to query them with.

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};

use super::tokenizers::BigramTokenizer;

/// Position of the sentence in `Corpus::sentences`, the only stored value.
pub const ORD_FIELD: &str = "ord";
const BIGRAMS_FIELD: &str = "bigrams";

const BIGRAMS_TOKENIZER: &str = "quotebot_bigrams";

/// Field handles of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Position of the sentence in `Corpus::sentences`.
    pub ord: Field,
    /// Character bigrams of the sentence.
    pub bigrams: Field,
}

/// One tantivy document per sentence: its position and its character bigrams, the one field
/// queries search. The jieba words and the ±1 window are weighed by the re-ranker only, which
/// needs their document frequencies, not postings (`frequencies`).
pub fn schema() -> Schema {
    let mut builder = Schema::builder();
    let bigrams = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(BIGRAMS_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    builder.add_u64_field(ORD_FIELD, INDEXED | FAST | STORED);
    builder.add_text_field(BIGRAMS_FIELD, bigrams);
    builder.build()
}

/// Registers the tokenizer the schema names; needed on every index built or opened.
pub fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(BIGRAMS_TOKENIZER, BigramTokenizer);
}

/// The handles of `schema`'s fields.
pub fn fields(schema: &Schema) -> tantivy::Result<Fields> {
    Ok(Fields {
        ord: schema.get_field(ORD_FIELD)?,
        bigrams: schema.get_field(BIGRAMS_FIELD)?,
    })
}
