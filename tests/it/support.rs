//! Shared set-up: configurations over the shipped corpus (or a corpus made by the test) with an
//! index in a fresh temporary folder, so tests never share an index.

use std::path::{Path, PathBuf};

use quotebot::config::Config;
use quotebot::engine::{Engine, OpenOptions};
use tempfile::TempDir;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A configuration reading `corpus_dir`, with its index in `scratch`.
pub fn config_for(corpus_dir: &Path, scratch: &Path) -> Config {
    let mut config =
        Config::load(&root().join("config/quotebot.toml")).expect("shipped config loads");
    config.corpus_dir = corpus_dir.to_path_buf();
    config.index_dir = scratch.join("index");
    config.cleaning_file = root().join("config/cleaning.toml");
    config.synonyms_file = root().join("config/synonyms.toml");
    config.ranker_file = root().join("config/ranker.toml");
    config
}

/// Writes `config` as a TOML file in `scratch` for the command-line tests.
pub fn write_config(config: &Config, scratch: &Path) -> PathBuf {
    let text = format!(
        "corpus_dir = {:?}\nindex_dir = {:?}\ncleaning_file = {:?}\nsynonyms_file = {:?}\n\
         ranker_file = {:?}\n",
        config.corpus_dir,
        config.index_dir,
        config.cleaning_file,
        config.synonyms_file,
        config.ranker_file
    );
    let path = scratch.join("quotebot.toml");
    std::fs::write(&path, text).expect("scratch folder is writable");
    path
}

/// A scratch folder and a config file over the shipped corpus.
pub fn shipped() -> (TempDir, PathBuf) {
    let scratch = TempDir::new().expect("temp folder");
    let config = config_for(&root().join("corpus"), scratch.path());
    let path = write_config(&config, scratch.path());
    (scratch, path)
}

/// An engine over the shipped corpus with its own index.
pub fn shipped_engine() -> (TempDir, Engine) {
    let scratch = TempDir::new().expect("temp folder");
    let config = config_for(&root().join("corpus"), scratch.path());
    let engine = Engine::open(config, OpenOptions::default()).expect("shipped corpus opens");
    (scratch, engine)
}

/// The `quotebot` binary with `--config path`.
pub fn quotebot(config: &Path) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("quotebot").expect("binary is built");
    command.arg("--config").arg(config).current_dir(root());
    command
}

/// Public question set, if the shared folder is beside the repository.
pub fn public_questions() -> Vec<String> {
    let path = root().join("../shared/eval/datong_public.jsonl");
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|value| value["q"].as_str().map(str::to_string))
        .collect()
}
