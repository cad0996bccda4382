//! Places a question or a claim names by an administrative suffix (白沙县, 青禾县): a sentence
//! answers for one only where it, its paragraph or its document's title names it, so a county's
//! question is not answered with the city's figure.

use quotebot::answer::{Status, Verdict};
use quotebot::engine::Engine;

use crate::support::dated_engine;

/// A city's report: the city's own figures (its name only in the title), and a paragraph on
/// one of its counties.
fn city_report(scratch: &std::path::Path) -> Engine {
    dated_engine(
        scratch,
        &[(
            "1_report.txt",
            "2023年，全市地区生产总值完成820亿元，同比增长6.1%。全市茶园面积达到30万亩。\n\n\
             青禾县茶叶产量达到1.2万吨，茶园面积扩大到8万亩。\n",
            "澜石市政府工作报告",
            "2024-02-01",
        )],
    )
}

#[test]
fn a_place_the_corpus_says_nothing_of_is_not_answered_with_another_places_figure() {
    let scratch = tempfile::tempdir().unwrap();
    let engine = city_report(scratch.path());
    // Without a place the city's figure answers.
    let city = engine.ask("2023年地区生产总值是多少");
    assert!(
        city.quotes
            .first()
            .is_some_and(|quote| quote.text().contains("820亿元")),
        "{city:?}"
    );
    // A county the corpus never names, and one it names elsewhere: neither is answered with
    // the city's figure.
    for question in [
        "白沙县2023年地区生产总值是多少",
        "青禾县2023年地区生产总值是多少",
    ] {
        let county = engine.ask(question);
        assert_eq!(county.status, Status::NotFound, "{question}: {county:?}");
        assert!(county.quotes.is_empty());
    }
    // The county the report does write of is answered from its paragraph.
    let tea = engine.ask("青禾县茶叶产量是多少");
    assert!(
        tea.quotes
            .first()
            .is_some_and(|quote| quote.text().contains("1.2万吨")),
        "{tea:?}"
    );
}

#[test]
fn a_claim_about_another_place_is_not_supported_by_the_citys_figure() {
    let scratch = tempfile::tempdir().unwrap();
    let engine = city_report(scratch.path());
    let judged = |draft: &str| {
        let report = engine.check(draft);
        report.claims.first().expect("one claim").verdict
    };
    assert_eq!(judged("2023年地区生产总值为820亿元。"), Verdict::Supported);
    assert_eq!(
        judged("白沙县2023年地区生产总值为820亿元。"),
        Verdict::NotFound
    );
    assert_eq!(
        judged("青禾县2023年地区生产总值为820亿元。"),
        Verdict::NotFound
    );
    assert_eq!(judged("白沙县茶园面积达到30万亩。"), Verdict::NotFound);
    // The city's 30万亩 is not the county's: the county's own 8万亩 is.
    assert_eq!(judged("青禾县茶园面积达到30万亩。"), Verdict::Contradicted);
    assert_eq!(judged("青禾县茶叶产量达到1.2万吨。"), Verdict::Supported);
}

#[test]
fn a_figure_question_opening_with_a_place_is_answered_where_that_place_is_written_before() {
    let scratch = tempfile::tempdir().unwrap();
    let engine = dated_engine(
        scratch.path(),
        &[(
            "1_report.txt",
            "全年煤炭产量达到1.6亿吨，为能源保供作出贡献。澜石将按照山西省委赋予的定位推进工作。\n",
            "澜石市政府工作报告",
            "2024-02-01",
        )],
    );
    // The report's own figure answers a question naming no place.
    let city = engine.ask("煤炭产量是多少");
    assert!(
        city.quotes
            .first()
            .is_some_and(|quote| quote.text().contains("1.6亿吨")),
        "{city:?}"
    );
    // The province is named only after the figure, as who set the city a goal; a place no
    // sentence names is not answered with the city's figure either.
    for question in ["山西省煤炭产量是多少", "北京煤炭产量是多少"] {
        let reply = engine.ask(question);
        assert_eq!(reply.status, Status::NotFound, "{question}: {reply:?}");
    }
}

#[test]
fn a_figure_beside_another_named_place_does_not_support_a_claim_of_the_first() {
    let scratch = tempfile::tempdir().unwrap();
    let engine = dated_engine(
        scratch.path(),
        &[(
            "1_tourism.txt",
            "全市接待游客1575万人次。其中，云冈石窟景区接待游客突破400万人次，恒山景区接待游客突破300万人次。\n",
            "澜石日报",
            "2024-11-01",
        )],
    );
    let judged = |draft: &str| {
        engine
            .check(draft)
            .claims
            .first()
            .expect("one claim")
            .verdict
    };
    assert_eq!(
        judged("云冈石窟景区接待游客300万人次。"),
        Verdict::Contradicted
    );
    assert_eq!(judged("恒山景区接待游客300万人次。"), Verdict::Supported);
    assert_eq!(
        judged("云冈石窟景区接待游客400万人次。"),
        Verdict::Supported
    );
}
