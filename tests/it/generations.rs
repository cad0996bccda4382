//! Index generations keep the corpus they were built from: opening an unchanged folder reads no
//! document, touched files are hashed but not rebuilt, changed ones are, and a damaged
//! generation is rebuilt rather than used. Their frequency tables hold what a plain count of
//! the corpus gives, and each is one segment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use quotebot::answer::Status;
use quotebot::corpus::{Corpus, Sentence};
use quotebot::engine::{Engine, OpenOptions};
use quotebot::index::{Frequencies, Table};
use quotebot::text::bigrams::bigrams;
use quotebot::text::segment::words_at;

use crate::support::{config_for, fixture_corpus, questions};

/// The generation `CURRENT` names.
fn current(scratch: &Path) -> String {
    std::fs::read_to_string(scratch.join("index/CURRENT"))
        .unwrap()
        .trim()
        .to_string()
}

/// Every document of `corpus`, dated `age` ago, as files that settled long before.
fn age_documents(corpus: &Path, age: Duration) -> Vec<PathBuf> {
    let mut documents = Vec::new();
    for entry in std::fs::read_dir(corpus).unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|ext| ext == "txt" || ext == "md")
        {
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(SystemTime::now() - age).unwrap();
            documents.push(path);
        }
    }
    documents
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// The first quote's text of the answer to `question`.
fn first_quote(engine: &Engine, question: &str) -> String {
    let reply = engine.ask(question);
    assert_eq!(reply.status, Status::Answered, "{question}");
    reply.quotes[0].text().to_string()
}

/// A fixture corpus in `scratch`, its documents settled an hour ago, built into an index: its
/// folder, configuration, the first quote answering the tea question, and the generation.
struct Built {
    corpus: PathBuf,
    config: quotebot::config::Config,
    answer: String,
    generation: PathBuf,
}

fn build(scratch: &Path) -> Built {
    let corpus = fixture_corpus(scratch);
    age_documents(&corpus, Duration::from_secs(3600));
    let config = config_for(&corpus, scratch);
    let answer = first_quote(
        &Engine::open(config.clone(), OpenOptions::default()).unwrap(),
        questions::TEA,
    );
    let generation = scratch.join("index").join(current(scratch));
    Built {
        corpus,
        config,
        answer,
        generation,
    }
}

#[test]
fn an_unchanged_folder_opens_from_the_generation_without_reading_a_document() {
    let scratch = tempfile::TempDir::new().unwrap();
    let corpus = fixture_corpus(scratch.path());
    let documents = age_documents(&corpus, Duration::from_secs(3600));
    let config = config_for(&corpus, scratch.path());
    let built = Engine::open(config.clone(), OpenOptions::default()).unwrap();
    let answer = first_quote(&built, questions::TEA);
    let n_sentences = built.corpus().n_sentences();
    drop(built);
    let generation = current(scratch.path());

    // Same names, sizes and times, other bytes: only a reader of the documents could tell,
    // and opening reads none of them.
    for path in &documents {
        let meta = std::fs::metadata(path).unwrap();
        std::fs::write(path, vec![b'x'; meta.len() as usize]).unwrap();
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(meta.modified().unwrap()).unwrap();
    }
    let opened = Engine::open(config, OpenOptions::default()).unwrap();
    assert_eq!(current(scratch.path()), generation, "nothing was rebuilt");
    assert_eq!(opened.corpus().n_sentences(), n_sentences);
    assert_eq!(first_quote(&opened, questions::TEA), answer);
}

#[test]
fn touched_files_are_read_but_not_rebuilt_and_changed_ones_are() {
    let scratch = tempfile::TempDir::new().unwrap();
    let Built {
        corpus,
        config,
        answer,
        generation,
    } = build(scratch.path());
    let generation = file_name(&generation);
    let stamp_file = scratch
        .path()
        .join("index")
        .join(&generation)
        .join("quotebot-stamp");
    let stamp = std::fs::read_to_string(&stamp_file).unwrap();

    // Touched (a checkout, a copy): the contents are hashed, found the same, and the new
    // times recorded so that the next opening need not read them.
    age_documents(&corpus, Duration::from_secs(60));
    let touched = Engine::open(config.clone(), OpenOptions::default()).unwrap();
    assert_eq!(current(scratch.path()), generation);
    assert_eq!(first_quote(&touched, questions::TEA), answer);
    assert_ne!(std::fs::read_to_string(&stamp_file).unwrap(), stamp);

    // Changed: a new generation answers from the new text.
    let new = corpus.join("zz_new.txt");
    std::fs::write(&new, "星河县今年新建的天文台口径有十二米。").unwrap();
    let changed = Engine::open(config, OpenOptions::default()).unwrap();
    assert_ne!(current(scratch.path()), generation);
    assert!(
        first_quote(&changed, "星河县天文台的口径有多大").contains("十二米"),
        "the new document is answered from"
    );
}

#[test]
fn a_damaged_generation_is_rebuilt_not_used() {
    let scratch = tempfile::TempDir::new().unwrap();
    let Built {
        config,
        answer,
        generation,
        ..
    } = build(scratch.path());
    let stored = generation.join("corpus");
    let generation = file_name(&generation);
    // A column cut short, as a full disk or a bad copy would leave it.
    let column = stored.join("sentence_text.offsets");
    let bytes = std::fs::read(&column).unwrap();
    std::fs::write(&column, &bytes[..bytes.len() - 3]).unwrap();
    let reopened = Engine::open(config, OpenOptions::default()).unwrap();
    assert_ne!(current(scratch.path()), generation, "rebuilt");
    assert_eq!(first_quote(&reopened, questions::TEA), answer);
}

#[test]
fn a_generation_without_its_frequency_tables_is_rebuilt() {
    let scratch = tempfile::TempDir::new().unwrap();
    let Built {
        config,
        answer,
        generation,
        ..
    } = build(scratch.path());
    // As a generation of an earlier version, which has none.
    std::fs::remove_file(generation.join("window.df")).unwrap();
    let reopened = Engine::open(config, OpenOptions::default()).unwrap();
    assert_ne!(current(scratch.path()), file_name(&generation), "rebuilt");
    assert_eq!(first_quote(&reopened, questions::TEA), answer);
}

/// Sentences holding each token and the tokens of all sentences, counted the plain way.
struct Counts {
    sentences: BTreeMap<String, u64>,
    tokens: u64,
}

impl Counts {
    fn of(per_sentence: impl Iterator<Item = Vec<String>>) -> Counts {
        let mut counts = Counts {
            sentences: BTreeMap::new(),
            tokens: 0,
        };
        for mut tokens in per_sentence {
            counts.tokens += tokens.len() as u64;
            tokens.sort();
            tokens.dedup();
            for token in tokens {
                *counts.sentences.entry(token).or_default() += 1;
            }
        }
        counts
    }

    fn assert_held_by(&self, table: &Table, what: &str) {
        for (token, sentences) in &self.sentences {
            assert_eq!(table.doc_freq(token), *sentences, "{what}: {token}");
        }
        assert_eq!(
            table.distinct(),
            self.sentences.len(),
            "{what}: distinct tokens"
        );
        assert_eq!(table.tokens(), self.tokens, "{what}: tokens");
        for absent in ["火星", "xyz", "同青"] {
            assert!(!self.sentences.contains_key(absent), "{absent}");
            assert_eq!(table.doc_freq(absent), 0, "{what}: {absent}");
        }
    }
}

/// The jieba words of each sentence, and the bigrams of each sentence's window: the sentence
/// and the sentences just before and after it in its paragraph, written as one text with a
/// space between sentences (as the index's window field was).
fn plain_counts(corpus: &Corpus) -> (Counts, Counts) {
    let sentences: Vec<_> = corpus.sentences().collect();
    let words = Counts::of(sentences.iter().map(|sentence| {
        words_at(sentence.normalized, sentence.boundaries)
            .map(str::to_string)
            .collect()
    }));
    let window = Counts::of((0..sentences.len()).map(|ord| {
        let same_paragraph = |other: &&Sentence| {
            other.doc_idx == sentences[ord].doc_idx && other.id.para == sentences[ord].id.para
        };
        let before = ord.checked_sub(1).and_then(|at| sentences.get(at));
        let after = sentences.get(ord + 1);
        let text: Vec<&str> = [before, Some(&sentences[ord]), after]
            .into_iter()
            .flatten()
            .filter(same_paragraph)
            .map(|sentence| sentence.normalized)
            .collect();
        bigrams(&text.join(" "))
    }));
    (words, window)
}

#[test]
fn frequency_tables_hold_the_plain_counts_of_the_corpus() {
    let scratch = tempfile::TempDir::new().unwrap();
    let corpus = fixture_corpus(scratch.path());
    // Letters, digits, lone characters, a word twice in a sentence, a sentence twice in a
    // paragraph, a paragraph of one sentence.
    std::fs::write(
        corpus.join("zz_mixed.txt"),
        "大同GDP为1686亿元，GDP增速6%。大同大同，好。大同大同，好。\n湖。\n",
    )
    .unwrap();
    let config = config_for(&corpus, scratch.path());
    let engine = Engine::open(config, OpenOptions::default()).unwrap();
    let generation = scratch.path().join("index").join(current(scratch.path()));
    let (words, window) = plain_counts(engine.corpus());
    assert!(
        engine
            .corpus()
            .sentences()
            .any(|s| s.normalized.contains("gdp")),
        "the mixed file is read"
    );
    let mapped = Frequencies::map(&generation).unwrap();
    words.assert_held_by(&mapped.words, "words, mapped");
    window.assert_held_by(&mapped.window, "window, mapped");
    let in_memory = Frequencies::of(engine.corpus());
    words.assert_held_by(&in_memory.words, "words, in memory");
    window.assert_held_by(&in_memory.window, "window, in memory");
}

#[test]
fn a_generation_is_one_segment() {
    let scratch = tempfile::TempDir::new().unwrap();
    let built = build(scratch.path());
    // A query looks each term up once per segment: the build merges them into one.
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(built.generation.join("meta.json")).unwrap())
            .unwrap();
    let segments = meta["segments"].as_array().unwrap();
    assert_eq!(segments.len(), 1, "{meta}");
    let docs = segments[0]["max_doc"].as_u64().unwrap();
    let opened = Engine::open(built.config, OpenOptions::default()).unwrap();
    assert_eq!(docs, opened.corpus().n_sentences() as u64);
    assert_eq!(first_quote(&opened, questions::TEA), built.answer);
}
