//! Files in the encodings Chinese users have: GB18030 and Big5 files, made here from UTF-8 text,
//! decode and answer — in either script — and files that are not text are skipped by name.

use quotebot::engine::{Engine, OpenOptions};

use crate::support::config_for;

const SIMPLIFIED: &str = "丙市统计公报\n\n丙市全年接待游客三千二百万人次，旅游收入增长百分之十二。\n\n丙市新建公园十五座。";
const TRADITIONAL: &str =
    "丁縣訪談\n\n丁縣縣長表示，全縣光伏裝機達到四十萬千瓦。\n\n丁縣將建設三座儲能電站。";

#[test]
fn gb18030_and_big5_files_decode_and_answer() {
    let scratch = tempfile::TempDir::new().unwrap();
    let corpus = scratch.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let (gb18030, _, unmappable) = encoding_rs::GB18030.encode(SIMPLIFIED);
    assert!(!unmappable);
    std::fs::write(corpus.join("gb.txt"), &gb18030).unwrap();
    let (big5, _, unmappable) = encoding_rs::BIG5.encode(TRADITIONAL);
    assert!(!unmappable);
    std::fs::write(corpus.join("big5.txt"), &big5).unwrap();
    std::fs::write(
        corpus.join("photo.txt"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0",
    )
    .unwrap();
    std::fs::write(corpus.join("empty.md"), b"").unwrap();
    std::fs::write(corpus.join("broken.pdf"), b"%PDF-1.4").unwrap();

    let engine = Engine::open(config_for(&corpus, scratch.path()), OpenOptions::default()).unwrap();
    let files: Vec<&str> = engine
        .corpus()
        .documents
        .iter()
        .map(|doc| doc.file.as_str())
        .collect();
    assert_eq!(files, ["big5.txt", "gb.txt"]);
    let mut skipped: Vec<&str> = engine
        .summary()
        .skipped
        .iter()
        .map(|skip| skip.file.as_str())
        .collect();
    skipped.sort_unstable();
    assert_eq!(skipped, ["broken.pdf", "empty.md", "photo.txt"]);

    let check = |question: &str, doc: &str, expected: &str| {
        let reply = engine.ask(question);
        let first = reply
            .quotes
            .first()
            .unwrap_or_else(|| panic!("{question} is answered"));
        assert_eq!(first.doc(), doc, "{question}");
        assert!(
            first.text().contains(expected),
            "{question}: {}",
            first.text()
        );
    };
    check("丙市接待游客多少人次", "gb.txt", "三千二百万人次");
    check("丙市接待遊客多少人次", "gb.txt", "三千二百万人次");
    check("丁县光伏装机达到多少", "big5.txt", "四十萬千瓦");
    check("丁縣光伏裝機達到多少", "big5.txt", "四十萬千瓦");
}
