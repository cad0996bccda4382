//! Real documents: a PDF with an embedded CJK font and a ToUnicode map, a DOCX with headings
//! and a table, a saved news page with navigation, comments and recommendations, and a Markdown
//! file (`tests/fixtures/formats`, made by `scripts/make_format_fixtures.py`), beside files that
//! must be refused: a PDF without a text layer, a truncated PDF and a zip bomb, written here.
//! Each readable document answers with the right page or section and a verbatim quote, takes
//! its title, publisher, date and URL from itself, and its page furniture is never quoted.

use std::io::Write;
use std::path::Path;

use quotebot::engine::{Engine, OpenOptions};
use quotebot::render::json;
use tempfile::TempDir;

use crate::support::{config_for, root};

/// The fixtures and the refused files in a fresh corpus folder.
pub fn corpus_of_every_format(dir: &Path) {
    let fixtures = root().join("tests/fixtures/formats");
    for name in [
        "report.pdf",
        "scanned.pdf",
        "report.docx",
        "news.html",
        "notes.md",
    ] {
        std::fs::copy(fixtures.join(name), dir.join(name)).unwrap();
    }
    let pdf = std::fs::read(fixtures.join("report.pdf")).unwrap();
    std::fs::write(dir.join("truncated.pdf"), &pdf[..pdf.len() / 3]).unwrap();
    std::fs::write(dir.join("bomb.docx"), zip_bomb()).unwrap();
}

/// A DOCX whose document part is 100 MB of zeros packed into about 100 KB.
fn zip_bomb() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("word/document.xml", options).unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..100 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

pub fn engine(scratch: &TempDir) -> Engine {
    let corpus = scratch.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    corpus_of_every_format(&corpus);
    Engine::open(config_for(&corpus, scratch.path()), OpenOptions::default()).unwrap()
}

/// A question, the file that answers it, the page or section of the answer, and a piece of
/// the first quote.
type Case = (
    &'static str,
    &'static str,
    Option<u32>,
    Option<&'static str>,
    &'static str,
);

#[test]
fn every_format_answers_with_its_page_or_section_and_a_verbatim_quote() {
    let scratch = TempDir::new().unwrap();
    let engine = engine(&scratch);
    let cases: [Case; 10] = [
        (
            "云海港货物吞吐量达到多少",
            "report.pdf",
            Some(2),
            None,
            "8600万吨",
        ),
        // A sentence wrapped over two lines, and one cut by a page break: each joined again,
        // cited at the page it begins on.
        (
            "高技术制造业增加值增长多少",
            "report.pdf",
            Some(1),
            None,
            "比重提高到18.3%",
        ),
        (
            "新能源装机容量达到多少",
            "report.pdf",
            Some(2),
            None,
            "320万千瓦，占全部装机",
        ),
        (
            "全市计划新建多少个5G基站",
            "report.pdf",
            Some(3),
            None,
            "1200个",
        ),
        (
            "过夜游客达到多少人次",
            "report.docx",
            None,
            Some("一、旅游市场"),
            "1150万人次",
        ),
        (
            "云海古城保护工程总投资多少",
            "report.docx",
            None,
            Some("二、重点项目"),
            "45亿元",
        ),
        (
            "集装箱吞吐量是多少标箱",
            "news.html",
            None,
            Some("云海港吞吐量创新高"),
            "215万标箱",
        ),
        (
            "港区岸电覆盖率提高到多少",
            "news.html",
            None,
            Some("绿色港口"),
            "85%",
        ),
        (
            "全社会研发经费投入多少",
            "notes.md",
            None,
            Some("研发投入"),
            "18.6亿元",
        ),
        (
            "高新技术企业有多少家",
            "notes.md",
            None,
            Some("专利"),
            "415家",
        ),
    ];
    for (question, file, page, section, figure) in cases {
        let reply = engine.ask(question);
        let quote = reply
            .quotes
            .first()
            .unwrap_or_else(|| panic!("{question}: not answered"));
        assert_eq!(quote.doc(), file, "{question}");
        assert_eq!(
            (quote.page(), quote.section()),
            (page, section),
            "{question}"
        );
        assert!(
            quote.text().contains(figure),
            "{question}: {}",
            quote.text()
        );
        let place = page
            .map(|page| format!("p.{page}"))
            .or(section.map(str::to_string));
        assert!(
            quote.source_label().ends_with(&place.unwrap()),
            "{question}"
        );
        let answer = &json::reply(&reply)["answers"][0];
        assert_eq!(answer["page"], serde_json::json!(page), "{question}");
        assert_eq!(answer["section"], serde_json::json!(section), "{question}");
        // Verbatim: a span of the document's extracted text, whitespace aside.
        let number = quote.id().doc.to_string();
        let text: String = engine
            .document_text(&number)
            .unwrap()
            .split_whitespace()
            .collect();
        let quoted: String = quote.text().split_whitespace().collect();
        assert!(text.contains(&quoted), "{question}: {quoted} not in {file}");
    }
}

#[test]
fn documents_describe_themselves_and_bad_files_are_refused_with_a_reason() {
    let scratch = TempDir::new().unwrap();
    let engine = engine(&scratch);
    let documents = engine.documents();
    let source = |file: &str| {
        let doc = documents.iter().find(|doc| doc.file == file).unwrap();
        let source = &doc.source;
        (
            source.title.as_str(),
            source.publisher.as_deref(),
            source.date.as_deref(),
            source.url.as_deref(),
        )
    };
    assert_eq!(
        source("report.pdf"),
        (
            "云海市2024年政府工作报告",
            Some("云海市人民政府"),
            Some("2024-01-15"),
            None
        )
    );
    assert_eq!(
        source("report.docx"),
        (
            "云海市文化旅游发展报告",
            Some("云海市文化和旅游局"),
            Some("2024-03-01"),
            None
        )
    );
    assert_eq!(
        source("news.html"),
        (
            "云海港吞吐量创新高",
            Some("云海日报"),
            Some("2024-02-20"),
            Some("https://news.example.cn/2024/02/20/port.html")
        )
    );
    assert_eq!(source("notes.md").0, "云海市科技创新简报");
    let reason = |file: &str| {
        let skipped = &engine.corpus().skipped;
        let skip = skipped.iter().find(|skip| skip.file == file);
        skip.unwrap_or_else(|| panic!("{file} not skipped"))
            .reason
            .clone()
    };
    assert!(reason("scanned.pdf").contains("no text layer"));
    assert!(reason("bomb.docx").contains("zip bomb"));
    assert!(!reason("truncated.pdf").is_empty());
    assert_eq!(documents.len(), 4);
}

#[test]
fn page_furniture_is_never_in_a_document() {
    let scratch = TempDir::new().unwrap();
    let engine = engine(&scratch);
    let corpus = engine.corpus();
    let junk = [
        "这个数据太假了",     // a reader's comment
        "云海机场旅客吞吐量", // recommended articles
        "脚本里的文字",       // a script
        "体育",               // navigation
        "版权所有",           // the footer
        "热门排行",           // an aside
        "云海市人民政府公报", // a PDF's running header
    ];
    for sentence in corpus.sentences() {
        for piece in junk {
            assert!(
                !sentence.text.contains(piece),
                "{piece} in {}",
                sentence.text
            );
        }
    }
    // The table rows of the DOCX are lines of their own, cells apart.
    let rows: Vec<&str> = corpus
        .sentences()
        .filter(|s| s.section == Some("二、重点项目") && s.text.contains('\t'))
        .map(|s| s.text)
        .collect();
    assert_eq!(
        rows,
        ["景区\t游客（万人次）", "云海古城\t860", "白沙湾\t540"]
    );
}

#[test]
fn the_shipped_corpus_keeps_no_caption_credit_label_or_page_turn() {
    let (_scratch, engine) = crate::support::shipped_engine();
    let junk = |text: &str| {
        let text: String = text.split_whitespace().collect();
        text.starts_with("图为")
            || (text.contains("记者") && text.ends_with('摄'))
            || text.starts_with("数据来源")
            || text == "市委書記張強"
            || text.contains("转第四版")
            || text.contains("接第一版")
    };
    let corpus = engine.corpus();
    let kept: Vec<&str> = corpus
        .sentences()
        .map(|s| s.text)
        .filter(|t| junk(t))
        .collect();
    assert!(kept.is_empty(), "{kept:?}");
    // The sentences around them stay.
    assert!(
        corpus
            .sentences()
            .any(|s| s.text.contains("全力守护“大同蓝”"))
    );
}

#[test]
fn eval_reads_figure_and_claim_sets_and_scores_each_class() {
    use quotebot::measure::desk::{parse_set, report};
    let scratch = TempDir::new().unwrap();
    let engine = engine(&scratch);
    let figures = r#"{"id": "f1", "question": "云海港货物吞吐量达到多少", "sources": [{"doc": "report.pdf", "figure": "8600万吨", "kind": "actual"}], "agree": null}
{"id": "f2", "question": "全市新建5G基站多少个", "sources": [{"doc": "report.pdf", "figure": "1200个", "kind": "target"}, {"doc": "news.html", "figure": "99个", "kind": "actual"}], "agree": null}"#;
    let set = parse_set(figures).unwrap().expect("a figure set");
    let printed = report(&engine, &set);
    assert!(
        printed.starts_with("figure questions 2: statements present 0.667 (2/3)"),
        "{printed}"
    );
    assert!(
        printed.contains("99个 in news.html"),
        "the missing statement is named: {printed}"
    );
    let claims = r#"{"id": "c1", "draft": "全年新增城镇就业2.3万人。", "verdict": "supported"}
{"id": "c2", "draft": "全年新增城镇就业3.1万人。", "verdict": "contradicted"}
{"id": "c3", "draft": "全年新增城镇就业3.1万人。", "verdict": "supported"}"#;
    let set = parse_set(claims).unwrap().expect("a claim set");
    let printed = report(&engine, &set);
    assert!(
        printed.starts_with("claims 3: accuracy 0.667 (2/3)"),
        "{printed}"
    );
    assert!(printed.contains("contradicted  1.000 (1/1)"), "{printed}");
    assert!(
        printed.contains("c3 全年新增城镇就业3.1万人。 — expected supported, got contradicted"),
        "{printed}"
    );
}
