//! Questions that count years from the day they are asked (今年, 去年, 前年): read against
//! `answer.today`, so the same question asks of another year on another day, and a sentence's
//! own 今年 is read against its source's date.

use quotebot::answer::Status;
use quotebot::engine::{Engine, OpenOptions};

use crate::support::{config_for, dated_engine};

const SOURCES: &str = r#"
[[document]]
file = "1_review.txt"
title = "青禾镇工作报告"
date = "2022-02-10"

[[document]]
file = "2_news.txt"
title = "青禾镇新闻"
date = "2024-03-01"
"#;

/// An engine over two dated documents, asked on `today`.
fn engine_on(today: &str, scratch: &std::path::Path) -> Engine {
    let corpus = scratch.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("1_review.txt"),
        "青禾镇工作报告\n\n2021年，青禾镇云雾茶产量达到1200吨，比上年增长8%。\n\n\
         全镇新修乡村公路40公里，改造危房300户。",
    )
    .unwrap();
    std::fs::write(
        corpus.join("2_news.txt"),
        "青禾镇新闻\n\n去年青禾镇接待游客35万人次，旅游收入2.1亿元。\n\n\
         青禾镇今年将新建茶园500亩。",
    )
    .unwrap();
    std::fs::write(corpus.join("sources.toml"), SOURCES).unwrap();
    let mut config = config_for(&corpus, scratch);
    config.answer.today = today.to_string();
    Engine::open(config, OpenOptions::default()).expect("the dated corpus opens")
}

#[test]
fn last_year_is_the_year_before_the_day_of_asking() {
    let scratch = tempfile::tempdir().unwrap();
    let in_2024 = engine_on("2024-06-01", scratch.path());
    // 去年 asked in 2024 is 2023: the 2024 news item's 去年.
    let reply = in_2024.ask("青禾镇去年接待游客多少人次");
    assert_eq!(reply.asked_years, [2023]);
    assert_ne!(reply.status, Status::OtherPeriod, "{reply:?}");
    if let Some(first) = reply.answers().first() {
        assert!(first.text().contains("35万人次"), "{}", first.text());
    }
    // The tea figure is stated for 2021 only: asked in 2024, 去年 is another year.
    let reply = in_2024.ask("青禾镇去年云雾茶产量是多少");
    assert_eq!(reply.asked_years, [2023]);
    assert_eq!(reply.status, Status::OtherPeriod, "{reply:?}");
    assert!(reply.answers().is_empty());
    assert!(
        reply
            .quotes
            .iter()
            .any(|quote| quote.text().contains("1200吨"))
    );
    drop(in_2024);

    // Asked in 2022, the same words ask of 2021, which the report states.
    let scratch = tempfile::tempdir().unwrap();
    let in_2022 = engine_on("2022-06-01", scratch.path());
    let reply = in_2022.ask("青禾镇去年云雾茶产量是多少");
    assert_eq!(reply.asked_years, [2021]);
    assert_ne!(reply.status, Status::OtherPeriod, "{reply:?}");
    assert!(
        reply
            .answers()
            .iter()
            .all(|quote| !quote.text().contains("35万"))
    );
}

#[test]
fn a_bad_day_is_a_config_error() {
    for bad in ["2024-13-01", "yesterday", "2024-02-30"] {
        let text = format!("[answer]\ntoday = \"{bad}\"\n");
        let err = quotebot::config::Config::parse(std::path::Path::new("q.toml"), &text)
            .expect_err(bad)
            .to_string();
        assert!(
            err.contains("answer.today") && err.contains("line 2"),
            "{err}"
        );
    }
    let ok = quotebot::config::Config::parse(
        std::path::Path::new("q.toml"),
        "[answer]\ntoday = \"2024-02-29\"\n",
    );
    assert_eq!(ok.expect("a leap day is a day").answer.this_year(), 2024);
}

/// A newer source counting a holiday, an older one counting the year so far: the figure of a
/// part of a year neither answers a question about the year nor disagrees with the year's,
/// asked or checked.
#[test]
fn a_holiday_figure_neither_answers_for_the_year_nor_disagrees_with_it() {
    let scratch = tempfile::tempdir().unwrap();
    let engine = dated_engine(
        scratch.path(),
        &[
            (
                "1_year.txt",
                "今年以来，澜石县累计接待游客820万人次，比上年增长12%。\n澜石湖水面面积为48平方公里。\n",
                "年报",
                "2023",
            ),
            (
                "2_holiday.txt",
                "国庆假期，澜石县5家重点景区接待游客96万人次，游客量同比增长20%。\n",
                "假期快讯",
                "2024",
            ),
        ],
    );
    let first_quote = |question: &str| {
        let reply = engine.ask(question);
        let first = reply.quotes.first().map(|quote| quote.text().to_string());
        (reply.status, first.unwrap_or_default())
    };
    let (status, first) = first_quote("澜石县接待了多少游客");
    assert!(first.contains("820万人次"), "{first}");
    assert_ne!(status, Status::SourcesDisagree);
    let (_, first) = first_quote("澜石县国庆假期接待了多少游客");
    assert!(first.contains("96万人次"), "{first}");
    // Checked, the year's figure is not outdated by the newer holiday's, nor the holiday's
    // by the year's.
    let verdict = |draft: &str| {
        let report = engine.check(draft);
        report.claims.first().expect("one claim").verdict
    };
    assert_eq!(
        verdict("澜石县累计接待游客820万人次。"),
        quotebot::answer::Verdict::Supported
    );
    assert_eq!(
        verdict("国庆假期，澜石县5家重点景区接待游客96万人次。"),
        quotebot::answer::Verdict::Supported
    );
}

/// A report whose paragraphs on the year past each open with 这一年: all of them speak of the
/// year the first names, so a figure of one is not outdated by another figure of the same
/// report.
#[test]
fn a_report_does_not_outdate_itself() {
    let scratch = tempfile::tempdir().unwrap();
    let engine = dated_engine(
        scratch.path(),
        &[(
            "1_report.txt",
            "刚刚过去的2021年，我们砥砺前行。\n\n\
             这一年，青禾镇地区生产总值完成386亿元，同比增长7.5%。\n\n\
             这一年，青禾镇服务业增加值完成167亿元，同比增长7.1%，拉动地区生产总值增长3.1个百分点。\n",
            "青禾镇政府工作报告",
            "2022-02-10",
        )],
    );
    let report = engine.check("青禾镇2021年地区生产总值增长7.5%。");
    let claim = report.claims.first().expect("one claim");
    assert_eq!(claim.figure, "7.5%");
    assert_eq!(
        claim.verdict,
        quotebot::answer::Verdict::Supported,
        "{claim:?}"
    );
    assert!(
        claim.evidence.iter().all(|(fact, _)| fact.period == "2021"),
        "{:?}",
        claim.evidence
    );
}

/// A claim of a year no source states is not found, and its evidence is what the sources
/// state for other years (2021's 1200吨 for a draft's 2023), each with its period; a claim of
/// the year they state is judged as usual.
#[test]
fn a_claim_of_a_year_no_source_states_is_not_found_with_the_years_they_state() {
    let scratch = tempfile::tempdir().unwrap();
    let engine = engine_on("2024-06-01", scratch.path());
    let report = engine.check("2023年青禾镇云雾茶产量达到1500吨。");
    let claim = report.claims.first().expect("one claim");
    assert_eq!(claim.figure, "1500吨");
    assert_eq!(
        claim.verdict,
        quotebot::answer::Verdict::NotFound,
        "{claim:?}"
    );
    let periods: Vec<&str> = claim
        .evidence
        .iter()
        .map(|(fact, _)| fact.period.as_str())
        .collect();
    assert_eq!(periods, ["2021"], "{:?}", claim.evidence);
    let text = quotebot::render::plain::check(&report);
    assert!(text.contains("其他时期"), "{text}");
    assert!(text.contains("【1200吨】（2021）"), "{text}");

    let same_year = engine.check("2021年青禾镇云雾茶产量达到1500吨。");
    let claim = same_year.claims.first().expect("one claim");
    assert_eq!(
        claim.verdict,
        quotebot::answer::Verdict::Contradicted,
        "{claim:?}"
    );
}

/// A sentence stating a measure for two years (由2013年的…增加到2021年的…): a claim naming no
/// year is judged against the later figure, the one the sentence says the measure is now.
#[test]
fn a_claim_naming_no_year_is_judged_against_the_latest_figure_of_a_sentence() {
    let scratch = tempfile::tempdir().unwrap();
    let engine = dated_engine(
        scratch.path(),
        &[(
            "1_air.txt",
            "青禾镇空气优良天数由2013年的233天增加到2021年的315天，增加35.2%。\n",
            "环境公报",
            "2022-03-01",
        )],
    );
    let judged = |draft: &str| {
        let report = engine.check(draft);
        let claim = report.claims.first().expect("one claim").clone();
        let figures: Vec<String> = claim
            .evidence
            .iter()
            .map(|(f, _)| f.figure.clone())
            .collect();
        (claim.verdict, figures)
    };
    use quotebot::answer::Verdict;
    assert_eq!(
        judged("青禾镇空气优良天数达到300天。"),
        (Verdict::Contradicted, vec!["315天".to_string()])
    );
    assert_eq!(
        judged("青禾镇空气优良天数达到315天。").0,
        Verdict::Supported
    );
    assert_eq!(
        judged("2013年青禾镇空气优良天数为233天。").0,
        Verdict::Supported
    );
}

#[test]
fn a_year_opening_a_draft_sentence_dates_its_figure() {
    let scratch = tempfile::tempdir().unwrap();
    let engine = dated_engine(
        scratch.path(),
        &[
            (
                "1_old.txt",
                "2021年，农村居民人均可支配收入增长11.2%。\n",
                "工作报告",
                "2022-02-01",
            ),
            (
                "2_new.txt",
                "2024年前三季度，农村居民人均可支配收入增长7.7%。\n",
                "发布会",
                "2024-11-01",
            ),
        ],
    );
    let judged = |draft: &str| {
        engine
            .check(draft)
            .claims
            .first()
            .expect("one claim")
            .verdict
    };
    use quotebot::answer::Verdict;
    // 2021's growth set in 2024 is a wrong figure for 2024, not an outdated one.
    assert_eq!(
        judged("2024年前三季度，农村居民人均可支配收入增长11.2%。"),
        Verdict::Contradicted
    );
    assert_eq!(
        judged("2021年，农村居民人均可支配收入增长11.2%。"),
        Verdict::Supported
    );
}
