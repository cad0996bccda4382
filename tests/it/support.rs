//! Shared set-up: configurations over the shipped corpus or over the fixture corpus (written by
//! the test into its own temporary folder), each with an index in a fresh temporary folder, so
//! tests never share an index.
//!
//! The fixture corpus is three short documents about made-up places. Each question in
//! [`questions`] is about a topic that only the fixture states, so the fixture plainly answers
//! it; tests that use it assert that a reply quotes fixture sentences, never which one comes
//! first, so a change of the ranker does not break them. Every fixture sentence states a figure
//! (a number with a unit), so every quote of it has a figure to highlight.

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
    config.decision_file = root().join("config/decision.toml");
    config.store_file = scratch.join("store.sqlite3");
    config
}

/// Points `config` (made by [`config_for`]) at a copy of the shipped decision whose second
/// floor is 0, written beside its index: for tests of how many quotes fit a message, not of
/// which are worth showing.
pub fn show_every_quote(config: &mut Config) {
    let shipped = std::fs::read_to_string(root().join("config/decision.toml"))
        .expect("shipped decision is readable");
    let mut table: toml::Table = toml::from_str(&shipped).expect("shipped decision is TOML");
    table.insert("more_quotes_threshold".into(), toml::Value::Float(0.0));
    let scratch = config
        .index_dir
        .parent()
        .expect("index in a scratch folder");
    let path = scratch.join("decision.toml");
    std::fs::write(&path, toml::to_string(&table).expect("serializes")).expect("writable");
    config.decision_file = path;
}

/// Writes a config file in `scratch` for the command-line tests: the shipped
/// `config/quotebot.toml` with its paths taken from `config`. Only the paths: every other
/// setting is the shipped one, whatever `config` holds.
pub fn write_config(config: &Config, scratch: &Path) -> PathBuf {
    let shipped = std::fs::read_to_string(root().join("config/quotebot.toml"))
        .expect("shipped config is readable");
    let mut table: toml::Table = toml::from_str(&shipped).expect("shipped config is TOML");
    let paths = [
        ("corpus_dir", &config.corpus_dir),
        ("index_dir", &config.index_dir),
        ("cleaning_file", &config.cleaning_file),
        ("synonyms_file", &config.synonyms_file),
        ("ranker_file", &config.ranker_file),
        ("decision_file", &config.decision_file),
        ("store_file", &config.store_file),
    ];
    for (key, path) in paths {
        assert!(table.contains_key(key), "the shipped config sets {key}");
        let path = path.to_str().expect("scratch paths are UTF-8").to_string();
        table.insert(key.to_string(), toml::Value::String(path));
    }
    let text = toml::to_string(&table).expect("a TOML table serializes");
    let path = scratch.join("quotebot.toml");
    std::fs::write(&path, text).expect("scratch folder is writable");
    path
}

/// A scratch folder holding the fixture corpus (in `corpus/`) and a config file over it.
pub fn fixture() -> (TempDir, PathBuf) {
    let scratch = TempDir::new().expect("temp folder");
    let corpus = fixture_corpus(scratch.path());
    let config = config_for(&corpus, scratch.path());
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

/// A document of the fixture corpus: its file, what `sources.toml` says of it, and its
/// paragraphs, each written as one line of whole sentences.
pub struct FixtureDoc {
    pub file: &'static str,
    pub title: &'static str,
    pub publisher: &'static str,
    pub date: &'static str,
    pub paragraphs: &'static [&'static [&'static str]],
}

/// The fixture corpus. The chronicle names 青禾镇 in every sentence, so a question of that one
/// word has dozens of answers (for "more results" and replies longer than a message); its long
/// title makes each citation long too.
pub const FIXTURE: &[FixtureDoc] = &[
    FixtureDoc {
        file: "001_tea.txt",
        title: "青禾镇云雾茶产业调查",
        publisher: "青禾镇农业服务中心",
        date: "2024-05",
        paragraphs: &[
            &[
                "青禾镇位于澜石湖北岸，下辖12个行政村。",
                "全镇的云雾茶园面积为3600亩，大多分布在北坡。",
            ],
            &[
                "2023年，青禾镇云雾茶的产量达到428吨。",
                "云雾茶的鲜叶收购价为每公斤46元。",
            ],
            &[
                "青禾镇茶农合作社成立于2016年，现有社员910户。",
                "合作社的手工炒茶作坊每天可加工鲜叶2.5吨。",
            ],
        ],
    },
    FixtureDoc {
        file: "002_lake.txt",
        title: "澜石湖生态治理报告",
        publisher: "澜石湖管理处",
        date: "2022-09",
        paragraphs: &[
            &[
                "澜石湖水面面积为48平方公里，是本省第三大淡水湖。",
                "湖区共有大小岛屿17座。",
            ],
            &[
                "澜石湖环湖绿道全长63公里，于2021年建成通行。",
                "绿道沿线设有驿站9处。",
            ],
            &[
                "星桥是澜石湖上唯一的石拱桥，全长218米。",
                "银鳞鱼保护区面积为12平方公里，每年3月至6月禁止捕捞。",
            ],
        ],
    },
    FixtureDoc {
        file: "003_chronicle.txt",
        title: "青禾镇大事记（2001年至2024年）：农业、水利、交通、教育、文化与卫生事业纪要",
        publisher: "青禾镇地方志编纂委员会",
        date: "2024-12",
        paragraphs: &[
            &["2001年，青禾镇中心小学落成，首批招收学生320名。"],
            &["2001年冬，青禾镇组织青壮年劳力修缮山塘9座。"],
            &["2002年，青禾镇卫生院添置救护车2辆。"],
            &["2002年春，青禾镇开办夜校，培训茶农1100人次。"],
            &["2003年，青禾镇第一家农村信用社开业，当年吸收存款860万元。"],
            &["2003年夏，青禾镇遭遇洪涝，转移群众2300人。"],
            &["2004年，青禾镇举办首届采茶节，吸引游客12000人次。"],
            &["2004年秋，青禾镇邮政所开通快递业务，每天收发包裹约80件。"],
            &["2005年，青禾镇在北坡补种香樟树苗4000株。"],
            &["2005年冬，青禾镇敬老院扩建，新增床位60张。"],
            &["2006年，青禾镇文化站建成，配备电脑30台。"],
            &["2006年夏，青禾镇举办首届龙舟赛，参赛队伍有12支。"],
            &["2007年，青禾镇修复古戏台3座。"],
            &["2007年春，青禾镇村村通自来水，受益村民8600人。"],
            &["2008年，青禾镇引进茶叶加工企业5家。"],
            &["2008年冬，青禾镇遭遇冰冻灾害，茶园受灾面积达到200公顷。"],
            &["2009年，青禾镇新建幼儿园2所。"],
            &["2009年秋，青禾镇卫生院引进B超机1台。"],
            &["2010年，青禾镇开通至县城的公交线路4条。"],
            &["2010年夏，青禾镇建成露天电影场，全年放映电影96场。"],
            &["2011年，青禾镇完成农田水利工程17项。"],
            &["2011年冬，青禾镇中学有7名学生考入重点大学。"],
            &["2012年，青禾镇为孤寡老人建成公寓房48套。"],
            &["2012年春，青禾镇成立茶叶质量检测站，全年抽检样品430件。"],
            &["2013年，青禾镇举办农民篮球赛，共比赛36场。"],
            &["2013年秋，青禾镇完成危房改造210栋。"],
            &["2014年，青禾镇承办全县茶艺大赛，参赛选手有140位。"],
            &["2014年春，青禾镇推广茶园生物防虫技术，减少农药用量3500千克。"],
            &["2015年，青禾镇组建民兵应急分队6支。"],
            &["2015年夏，青禾镇开办电商服务站8个。"],
            &["2016年，青禾镇养殖场存栏黄牛650头。"],
            &["2016年冬，青禾镇建成标准化足球场1个。"],
            &["2017年，青禾镇为村民发放农业补贴共计310万元。"],
            &["2017年秋，青禾镇荣获省级卫生乡镇称号，创建工作历时3年。"],
            &["2018年，青禾镇光伏电站并网，装机容量达到800千瓦。"],
            &["2018年春，青禾镇茶叶出口额首次突破200万美元。"],
            &["2019年，青禾镇新建蓄水池25个。"],
            &["2019年冬，青禾镇开展消防演练15次。"],
            &["2020年，青禾镇设立防疫卡点14处。"],
            &["2020年秋，青禾镇直播带货销售茶叶，单场最高成交额达到18万元。"],
            &["2021年，青禾镇评选出致富带头人22位。"],
            &["2021年春，青禾镇改造农村厕所1300座。"],
            &["2022年，青禾镇更换太阳能路灯560套。"],
            &["2022年夏，青禾镇举办乡村音乐节，演出持续3天。"],
            &["2023年，青禾镇接待研学团队90批。"],
            &["2023年冬，青禾镇新增充电桩40个。"],
            &["2024年，青禾镇新建污水处理站一座，日处理能力达到300立方米。"],
            &["2024年春，青禾镇开通至省城的旅游专线客车6辆。"],
        ],
    },
];

/// Questions the fixture answers, each about a topic only one of its documents states, and
/// questions it cannot answer.
pub mod questions {
    /// 云雾茶's yield (the tea survey).
    pub const TEA: &str = "青禾镇云雾茶的产量是多少";
    /// The co-operative's members (the tea survey).
    pub const COOP: &str = "青禾镇茶农合作社有多少社员";
    /// The stone bridge (the lake report).
    pub const BRIDGE: &str = "星桥有多长";
    /// The lakeside path (the lake report).
    pub const GREENWAY: &str = "澜石湖环湖绿道有多长";
    /// [`GREENWAY`] in Traditional characters.
    pub const GREENWAY_TRADITIONAL: &str = "瀾石湖環湖綠道有多長";
    /// One word that nearly every fixture sentence contains.
    pub const TOWN: &str = "青禾镇";
    /// Nothing in the fixture is about Mars.
    pub const MARS_HOUSES: &str = "火星上的房价";
    pub const MARS_CAFE: &str = "火星上的咖啡店几点开门";
}

/// Writes the fixture corpus (its files and `sources.toml`) into `dir/corpus` and returns that
/// folder.
pub fn fixture_corpus(dir: &Path) -> PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).expect("scratch folder is writable");
    let mut documents = Vec::new();
    for doc in FIXTURE {
        let lines: Vec<String> = doc
            .paragraphs
            .iter()
            .map(|sentences| sentences.concat())
            .collect();
        std::fs::write(corpus.join(doc.file), lines.join("\n") + "\n")
            .expect("scratch folder is writable");
        let mut entry = toml::Table::new();
        for (key, value) in [
            ("file", doc.file),
            ("title", doc.title),
            ("publisher", doc.publisher),
            ("date", doc.date),
        ] {
            entry.insert(key.to_string(), toml::Value::String(value.to_string()));
        }
        documents.push(toml::Value::Table(entry));
    }
    let mut sources = toml::Table::new();
    sources.insert("document".to_string(), toml::Value::Array(documents));
    let text = toml::to_string(&sources).expect("a TOML table serializes");
    std::fs::write(corpus.join("sources.toml"), text).expect("scratch folder is writable");
    corpus
}

/// Writes `documents` — (file, text, title, date) — and their `sources.toml` into
/// `dir/corpus` and returns that folder: a small dated corpus written for one test.
pub fn dated_corpus(dir: &Path, documents: &[(&str, &str, &str, &str)]) -> PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).expect("scratch folder is writable");
    let mut entries = Vec::new();
    for (file, text, title, date) in documents {
        std::fs::write(corpus.join(file), text).expect("scratch folder is writable");
        let mut entry = toml::Table::new();
        for (key, value) in [("file", file), ("title", title), ("date", date)] {
            entry.insert(key.to_string(), toml::Value::String(value.to_string()));
        }
        entries.push(toml::Value::Table(entry));
    }
    let mut sources = toml::Table::new();
    sources.insert("document".to_string(), toml::Value::Array(entries));
    let text = toml::to_string(&sources).expect("a TOML table serializes");
    std::fs::write(corpus.join("sources.toml"), text).expect("scratch folder is writable");
    corpus
}

/// An engine over [`dated_corpus`]'s `documents`, written into `dir`.
pub fn dated_engine(dir: &Path, documents: &[(&str, &str, &str, &str)]) -> Engine {
    let corpus = dated_corpus(dir, documents);
    Engine::open(config_for(&corpus, dir), OpenOptions::default()).expect("the corpus opens")
}

/// Every sentence of the fixture, in document order.
pub fn fixture_sentences() -> Vec<&'static str> {
    FIXTURE
        .iter()
        .flat_map(|doc| doc.paragraphs.iter())
        .flat_map(|sentences| sentences.iter().copied())
        .collect()
}

/// True when `text` is one whole sentence of the fixture.
pub fn is_fixture_sentence(text: &str) -> bool {
    FIXTURE
        .iter()
        .flat_map(|doc| doc.paragraphs.iter())
        .any(|sentences| sentences.contains(&text))
}
