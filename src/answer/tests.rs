//! Replies built from fixture corpora: statuses, figure floors, sources compared.

use super::*;
use crate::corpus::{CleaningRules, RawFile, Source, SourceEntry, SourcesFile};
use crate::question::{Synonyms, parse_question};

/// Three sources: an old report, a newer interview, an undated page.
pub fn corpus() -> Corpus {
    let file = |name: &str, text: &str| RawFile {
        name: name.into(),
        bytes: text.as_bytes().to_vec(),
    };
    let files = [
        file(
            "1_old.txt",
            "全市在用服务器25.3万台。全市在用服务器25.3万台，比上年多。全年游客增长10%。",
        ),
        file("2_new.txt", "投运服务器68萬臺。"),
        file("3_page.txt", "服务器达到30万台。"),
        file("4_later.txt", "截至年底，投运服务器达到253000台。"),
    ];
    let entry = |file: &str, date: Option<&str>| SourceEntry {
        file: file.into(),
        source: Source {
            title: file.into(),
            date: date.map(str::to_string),
            ..Source::default()
        },
    };
    let sources = SourcesFile {
        document: vec![
            entry("1_old.txt", Some("2022")),
            entry("2_new.txt", Some("2025-03-12")),
            entry("3_page.txt", None),
            entry("4_later.txt", Some("2023")),
        ],
    };
    Corpus::build(&files, &sources, &CleaningRules::default())
}

pub fn hits(scores: &[(usize, f32)]) -> Vec<Hit> {
    scores
        .iter()
        .map(|&(sentence_idx, score)| Hit {
            sentence_idx,
            score,
            coverage: 1.0,
            // A score below 1 stands for a sentence the decision doubts as much.
            confidence: score.min(1.0),
        })
        .collect()
}

/// A corpus of one untitled document holding `text`.
fn one_document(text: &str) -> Corpus {
    Corpus::build(
        &[RawFile {
            name: "1_report.txt".into(),
            bytes: text.as_bytes().to_vec(),
        }],
        &SourcesFile::default(),
        &CleaningRules::default(),
    )
}

/// The reply to `question` when the index ranks the first sentence of `corpus` alone, every
/// term weighed alike.
fn reply_on_first(corpus: &Corpus, question: &str) -> Reply {
    reply_weighed(corpus, question, 0, &[], |_| 1.0)
}

/// The reply to `question` when the index ranks the sentence at `first` alone and finds
/// `pooled` deeper, each term weighed by `weight`.
fn reply_weighed(
    corpus: &Corpus,
    question: &str,
    first: usize,
    pooled: &[usize],
    weight: impl Fn(&str) -> f32,
) -> Reply {
    let parsed = parse_question(question, &Synonyms::default());
    let pool = MeasurePool {
        sentences: pooled.to_vec(),
        weights: parsed.terms.iter().map(|term| weight(&term.text)).collect(),
        unknown_share: 0.0,
    };
    let config = AnswerConfig::default();
    reply(
        &parsed,
        question,
        &hits(&[(first, 1.0)]),
        &pool,
        corpus,
        &config,
        0,
    )
}

/// The reply sets sources that disagree side by side, `figures` among them.
fn assert_disagree(reply: &Reply, figures: &[&str]) {
    let found = figures_of(reply);
    assert_eq!(reply.status, Status::SourcesDisagree, "{found:?}");
    assert!(
        figures.iter().all(|figure| found.contains(figure)),
        "{found:?}"
    );
}

/// The figures of a reply's facts.
fn figures_of(reply: &Reply) -> Vec<&str> {
    reply
        .facts
        .iter()
        .map(|fact| fact.figure.as_str())
        .collect()
}

fn check(question: &str, scores: &[(usize, f32)], status: Status, refs: &[&str]) {
    let corpus = corpus();
    let parsed = parse_question(question, &Synonyms::default());
    let pool = MeasurePool {
        sentences: scores.iter().map(|(ord, _)| *ord).collect(),
        weights: vec![1.0; parsed.terms.len()],
        unknown_share: 0.0,
    };
    let reply = reply(
        &parsed,
        question,
        &hits(scores),
        &pool,
        &corpus,
        &AnswerConfig::default(),
        0,
    );
    let got: Vec<String> = reply.quotes.iter().map(Quote::citation).collect();
    assert_eq!(
        (reply.status, got),
        (status, refs.iter().map(|r| r.to_string()).collect()),
        "{question}"
    );
}

#[test]
fn builds_replies() {
    // Every source's statement, the fact index read beyond the ranked sentences.
    let every_source = ["[2·1.1]", "[4·1.1]", "[1·1.1]", "[3·1.1]"];
    check(
        "服务器有多少台",
        &[(0, 9.0), (1, 8.9), (3, 8.0), (4, 7.0)],
        Status::SourcesDisagree,
        &every_source,
    );
    // However low another source's statement ranks.
    check(
        "服务器有多少台",
        &[(0, 9.0), (3, 0.05)],
        Status::SourcesDisagree,
        &every_source,
    );
    check(
        "服务器",
        &[(0, 9.0), (1, 8.9), (3, 8.0)],
        Status::Answered,
        &["[1·1.1]", "[2·1.1]"],
    );
    // A figure question naming no unit is answered only by figures of what it asks: the
    // servers' 25.3万台 is not, nor, for an amount, the growth 增长10%.
    check("游客有多少", &[(2, 9.0), (0, 8.0)], Status::NotFound, &[]);
    check(
        "游客增长了多少",
        &[(2, 9.0), (0, 8.0)],
        Status::Answered,
        &["[1·1.3]"],
    );
    check("服务器有多少台", &[], Status::NotFound, &[]);
    check("？？", &[(0, 9.0)], Status::NoQuestion, &[]);
}

#[test]
fn a_unit_question_quotes_only_figures_of_what_it_asks() {
    // The 台 of servers does not answer how many visitors, nor a share of them.
    check("游客有多少台", &[(2, 9.0), (0, 8.0)], Status::NotFound, &[]);
    // "More results" tells the measure apart with the terms' weights alone.
    let question = "服务器有多少台";
    let parsed = parse_question(question, &Synonyms::default());
    let pool = MeasurePool {
        sentences: Vec::new(),
        weights: vec![1.0; parsed.terms.len()],
        unknown_share: 0.0,
    };
    let scores = [(0, 9.0), (3, 8.0), (4, 7.0)];
    let config = AnswerConfig::default();
    let more = reply(
        &parsed,
        question,
        &hits(&scores),
        &pool,
        &corpus(),
        &config,
        1,
    );
    let got: Vec<String> = more.quotes.iter().map(Quote::citation).collect();
    assert_eq!(
        (more.status, got),
        (
            Status::Answered,
            vec!["[2·1.1]".to_string(), "[3·1.1]".to_string()]
        )
    );
}

#[test]
fn the_first_line_lists_no_figure_of_another_measure() {
    let corpus = one_document("全年地区生产总值完成1686亿元，城镇居民人均可支配收入增长8.1%。");
    let reply = reply_on_first(&corpus, "青禾镇城镇居民人均可支配收入是多少");
    assert_eq!(reply.status, Status::Answered);
    assert_eq!(reply.figures_line, None, "{reply:?}");
}

#[test]
fn one_figure_written_two_ways_agrees() {
    let file = |name: &str, text: &str| RawFile {
        name: name.into(),
        bytes: text.as_bytes().to_vec(),
    };
    let entry = |file: &str, date: &str| SourceEntry {
        file: file.into(),
        source: Source {
            title: file.into(),
            date: Some(date.into()),
            ..Source::default()
        },
    };
    let corpus = Corpus::build(
        &[
            file("1_old.txt", "全市在用服务器25.3万台。"),
            file("2_later.txt", "截至年底，投运服务器达到253000台。"),
        ],
        &SourcesFile {
            document: vec![entry("1_old.txt", "2022"), entry("2_later.txt", "2023")],
        },
        &CleaningRules::default(),
    );
    let parsed = parse_question("服务器有多少台", &Synonyms::default());
    let pool = MeasurePool {
        sentences: vec![0],
        weights: vec![1.0; parsed.terms.len()],
        unknown_share: 0.0,
    };
    let reply = reply(
        &parsed,
        "服务器有多少台",
        &hits(&[(0, 9.0)]),
        &pool,
        &corpus,
        &AnswerConfig::default(),
        0,
    );
    let got: Vec<String> = reply.quotes.iter().map(Quote::citation).collect();
    assert_eq!(reply.status, Status::SourcesAgree);
    assert_eq!(got, ["[2·1.1]", "[1·1.1]"], "newest first");
}

#[test]
fn a_year_the_corpus_does_not_state_gets_what_it_states() {
    let corpus = one_document(
        "2021年全市地区生产总值完成1686亿元。\n\n2019年经济总量达到1500亿元，比上年增长6%。",
    );
    let ask = |question: &str| {
        let parsed = parse_question(question, &Synonyms::default());
        reply(
            &parsed,
            question,
            &hits(&[(0, 1.0), (1, 0.9)]),
            &MeasurePool::default(),
            &corpus,
            &AnswerConfig::default(),
            0,
        )
    };
    let other = ask("2020年地区生产总值是多少");
    assert_eq!(other.status, Status::OtherPeriod);
    assert!(other.refused() && other.answers().is_empty());
    assert_eq!(other.quotes.len(), 2, "what the corpus states is shown");
    // 2019 and 2021 are as near to 2020: the later one is named.
    assert_eq!(other.nearest_year, Some(2021));
    let asked = ask("2019年地区生产总值是多少");
    assert_eq!(asked.status, Status::Answered);
    let refs: Vec<String> = asked.answers().iter().map(Quote::citation).collect();
    assert_eq!(refs, ["[1·2.1]"], "only the asked year answers");
    let no_year = ask("地区生产总值是多少");
    assert_eq!(no_year.answers().len(), 2);
}

#[test]
fn checks_verbatim_spans() {
    assert!(is_verbatim(
        "国电湖东、热三期两个项目",
        "国电湖东、\n\n热三期两个项目正在建设"
    ));
    assert!(!is_verbatim("国电湖东热三期", "国电湖东、\n\n热三期"));
    assert!(!is_verbatim("", "任何文字"));
}

#[test]
fn a_figure_question_is_not_answered_by_where_and_when_alone() {
    let corpus = Corpus::build(
        &[RawFile {
            name: "1_report.txt".into(),
            bytes: "2024年，青禾镇茶叶产量达到1200吨。".as_bytes().to_vec(),
        }],
        &SourcesFile {
            document: vec![SourceEntry {
                file: "1_report.txt".into(),
                source: Source {
                    title: "青禾镇年报".into(),
                    ..Source::default()
                },
            }],
        },
        &CleaningRules::default(),
    );
    let ask = |question: &str| reply_on_first(&corpus, question).status;
    // The sentence names the place and the year asked, not the income.
    assert_eq!(ask("青禾镇2024年旅游收入多少"), Status::NotFound);
    assert_eq!(ask("青禾镇2024年茶叶产量多少"), Status::Answered);
}

#[test]
fn a_source_not_naming_the_place_asked_about_is_not_compared() {
    let file = |name: &str, text: &str| RawFile {
        name: name.into(),
        bytes: text.as_bytes().to_vec(),
    };
    let corpus = Corpus::build(
        &[
            file("1_city.txt", "全年接待游客1575万人次。"),
            file("2_site.txt", "云冈石窟接待游客400万人次。"),
        ],
        &SourcesFile {
            document: ["1_city.txt", "2_site.txt"]
                .map(|name| SourceEntry {
                    file: name.into(),
                    source: Source {
                        title: "文旅年报".into(),
                        ..Source::default()
                    },
                })
                .to_vec(),
        },
        &CleaningRules::default(),
    );
    let question = "云冈石窟接待游客多少人次";
    let parsed = parse_question(question, &Synonyms::default());
    let pool = MeasurePool {
        sentences: vec![1, 0],
        weights: vec![1.0; parsed.terms.len()],
        unknown_share: 0.0,
    };
    let config = AnswerConfig::default();
    let reply = reply(
        &parsed,
        question,
        &hits(&[(1, 9.0)]),
        &pool,
        &corpus,
        &config,
        0,
    );
    let got: Vec<String> = reply.quotes.iter().map(Quote::citation).collect();
    // The city's total is another measure than the site's visitors, not a disagreeing source.
    assert_eq!(
        (reply.status, got),
        (Status::Answered, vec!["[2·1.1]".to_string()])
    );
}

#[test]
fn a_figure_of_another_thing_beside_the_asked_word_does_not_answer() {
    let corpus =
        one_document("推进产业园开工，广灵剪纸博物馆、阳高守口堡等6个景区创建工程，整合全市资源。");
    // 6个 counts scenic spots: neither its own words nor its part of the sentence name a
    // museum, which the list before it does.
    let reply = reply_on_first(&corpus, "全市有多少座博物馆");
    assert_eq!(reply.status, Status::NotFound, "{reply:?}");
}

#[test]
fn a_hit_of_the_asked_year_goes_before_one_of_another_year() {
    let corpus = corpus();
    // Sentence 3 is of a 2025 source, sentence 0 of a 2022 one (which reviews 2021).
    let ordered = |asked: &[u16], floor: f32| -> Vec<usize> {
        asked_period_first(&corpus, hits(&[(3, 0.9), (0, 0.5)]), asked, floor)
            .iter()
            .map(|hit| hit.sentence_idx)
            .collect()
    };
    assert_eq!(ordered(&[2021], 0.3), vec![0, 3]);
    // Not when no year is asked, the first is of the asked year, or the other is too doubtful.
    assert_eq!(ordered(&[], 0.3), vec![3, 0]);
    assert_eq!(ordered(&[2025], 0.3), vec![3, 0]);
    assert_eq!(ordered(&[2021], 0.6), vec![3, 0]);
}

/// A corpus of titled, dated documents: (file, title, date, text).
pub fn titled(documents: &[(&str, &str, &str, &str)]) -> Corpus {
    let files: Vec<RawFile> = documents
        .iter()
        .map(|(name, _, _, text)| RawFile {
            name: (*name).into(),
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    let sources = SourcesFile {
        document: documents
            .iter()
            .map(|(name, title, date, _)| SourceEntry {
                file: (*name).into(),
                source: Source {
                    title: (*title).into(),
                    date: Some((*date).into()),
                    ..Source::default()
                },
            })
            .collect(),
    };
    Corpus::build(&files, &sources, &CleaningRules::default())
}

#[test]
fn a_word_of_the_measure_in_the_title_still_counts_where_the_sentence_names_it() {
    let corpus = titled(&[(
        "1_talk.txt",
        "建设能源之城、算力之城的现代化产业体系",
        "2025-03-12",
        "大同算力产业累计完成产业投资超600亿元。",
    )]);
    // 数据 is the only word of the measure the title does not name, and the sentence does
    // not name it; 算力 and 产业, which it names, say what it measures all the same.
    let reply = reply_on_first(&corpus, "大同在算力和数据产业上累计投了多少钱");
    assert_eq!(reply.status, Status::Answered, "{reply:?}");
}

#[test]
fn every_source_is_read_without_the_questions_casual_words() {
    let corpus = titled(&[
        ("1_report.txt", "工作报告", "2022", "粮食产量达到25.1亿斤。"),
        (
            "2_news.txt",
            "发布会",
            "2024-11",
            "全市粮食产量达到26亿斤。",
        ),
    ]);
    let reply = reply_weighed(&corpus, "一年粮食能打多少斤", 1, &[1, 0], |_| 1.0);
    // 一年 and 打 are the asker's words, not the sources': both sources are compared.
    assert_disagree(&reply, &["25.1亿斤", "26亿斤"]);
}

#[test]
fn a_plan_ranked_first_is_answered_with_what_the_sources_say_is() {
    let corpus = titled(&[
        (
            "1_plan.txt",
            "规划",
            "2021",
            "预计到2025年，服务器规模突破200万台。",
        ),
        (
            "2_news.txt",
            "发布会",
            "2024-11",
            "全市投运服务器达到55.8万台。",
        ),
        ("3_talk.txt", "访谈", "2025-03-12", "全市投运服务器68万台。"),
    ]);
    let reply = reply_weighed(
        &corpus,
        "目前投运的服务器规模有多大",
        0,
        &[0, 1, 2],
        |_| 1.0,
    );
    assert_disagree(&reply, &["68万台", "55.8万台"]);
}

#[test]
fn the_askers_casual_words_do_not_keep_a_quote_from_its_unit() {
    let corpus = titled(&[(
        "1_news.txt",
        "能源报道",
        "2026-01-17",
        "大同原煤年产量稳定在1.5亿吨以上。",
    )]);
    // 一年 is the asker's word; the source says 年产量. Weighed as a rare word, it would
    // outweigh 煤 in the figure's fit.
    let reply = reply_weighed(&corpus, "大同一年能产多少吨煤", 0, &[0], |word| {
        if word == "一年" { 10.0 } else { 1.0 }
    });
    assert_eq!(reply.status, Status::Answered, "{reply:?}");
}
