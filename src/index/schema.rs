//! The index schema: the field names (written once, here), the tokenizer each text field uses,
//! and the handles to query them with.

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};

use super::tokenizers::{BigramTokenizer, ChineseTokenizer};

/// Position of the sentence in `Corpus::sentences`, the only stored value.
pub const ORD_FIELD: &str = "ord";
const WORDS_FIELD: &str = "words";
const BIGRAMS_FIELD: &str = "bigrams";
const WINDOW_FIELD: &str = "window";

const WORDS_TOKENIZER: &str = "quotebot_words";
const BIGRAMS_TOKENIZER: &str = "quotebot_bigrams";

/// Field handles of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Position of the sentence in `Corpus::sentences`.
    pub ord: Field,
    /// jieba words of the sentence.
    pub words: Field,
    /// Character bigrams of the sentence.
    pub bigrams: Field,
    /// Character bigrams of the sentence and its neighbours in the paragraph (±1).
    pub window: Field,
}

/// One tantivy document per sentence: its position, and three text fields.
pub fn schema() -> Schema {
    let mut builder = Schema::builder();
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    builder.add_u64_field(ORD_FIELD, INDEXED | FAST | STORED);
    builder.add_text_field(WORDS_FIELD, text(WORDS_TOKENIZER));
    builder.add_text_field(BIGRAMS_FIELD, text(BIGRAMS_TOKENIZER));
    builder.add_text_field(WINDOW_FIELD, text(BIGRAMS_TOKENIZER));
    builder.build()
}

/// Registers the tokenizers the schema names; needed on every index built or opened.
pub fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(WORDS_TOKENIZER, ChineseTokenizer);
    index
        .tokenizers()
        .register(BIGRAMS_TOKENIZER, BigramTokenizer);
}

/// The handles of `schema`'s fields.
pub fn fields(schema: &Schema) -> tantivy::Result<Fields> {
    Ok(Fields {
        ord: schema.get_field(ORD_FIELD)?,
        words: schema.get_field(WORDS_FIELD)?,
        bigrams: schema.get_field(BIGRAMS_FIELD)?,
        window: schema.get_field(WINDOW_FIELD)?,
    })
}
