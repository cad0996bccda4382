//! Cleaning: from a decoded file to its paragraphs. Page junk is removed by the rules in
//! `config/cleaning.toml`, lines broken in the middle of a sentence are joined again, and
//! repeated paragraphs are dropped. Paragraphs keep the original characters: whatever is quoted
//! later is a span of the file once whitespace is set aside.

use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use super::formats::Block;
use crate::config::{ConfigError, read_toml};
use crate::text::normalize::{normalize, strip_whitespace};

/// Compiled page-junk rules (see `config/cleaning.toml` for what each list means).
#[derive(Debug, Clone, Default)]
pub struct CleaningRules {
    cut_from: Vec<Regex>,
    drop_line: Vec<Regex>,
    drop_sentence: Vec<Regex>,
}

/// A rule that is not a regular expression.
#[derive(Debug, thiserror::Error)]
#[error("pattern '{pattern}' is not a regular expression: {source}")]
pub struct BadPattern {
    pub pattern: String,
    pub source: regex::Error,
}

/// `config/cleaning.toml` as written: the page-junk rules, as patterns.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CleaningFile {
    cut_from: Vec<String>,
    drop_line: Vec<String>,
    drop_sentence: Vec<String>,
}

impl CleaningRules {
    /// Compiles the line rules (no sentence rules).
    pub fn new(cut_from: &[String], drop_line: &[String]) -> Result<Self, BadPattern> {
        Self::with_sentences(cut_from, drop_line, &[])
    }

    /// Compiles the rules for lines and for sentences.
    pub fn with_sentences(
        cut_from: &[String],
        drop_line: &[String],
        drop_sentence: &[String],
    ) -> Result<Self, BadPattern> {
        let compile = |patterns: &[String]| {
            patterns
                .iter()
                .map(|pattern| {
                    Regex::new(pattern).map_err(|source| BadPattern {
                        pattern: pattern.clone(),
                        source,
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Self {
            cut_from: compile(cut_from)?,
            drop_line: compile(drop_line)?,
            drop_sentence: compile(drop_sentence)?,
        })
    }

    /// Reads and compiles `config/cleaning.toml`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let file: CleaningFile = read_toml(path)?;
        CleaningRules::with_sentences(&file.cut_from, &file.drop_line, &file.drop_sentence)
            .map_err(|err| ConfigError::Invalid(path.to_path_buf(), err.to_string()))
    }

    /// The patterns, for the corpus fingerprint: a rule change rebuilds the index.
    pub fn patterns(&self) -> impl Iterator<Item = &str> {
        self.cut_from
            .iter()
            .chain(&self.drop_line)
            .chain(&self.drop_sentence)
            .map(Regex::as_str)
    }

    /// Whether a sentence (normalised) is page furniture that stands inside a line: a photo
    /// caption or a credit after the text it belongs to.
    pub fn drops_sentence(&self, normalized: &str) -> bool {
        self.drop_sentence
            .iter()
            .any(|rule| rule.is_match(normalized.trim()))
    }
}

/// Splits `text` into cleaned paragraphs, in document order. Lines end at `\n`, `\r\n` or a
/// lone `\r` (old Mac files).
pub fn clean(text: &str, rules: &CleaningRules) -> Vec<String> {
    let block = Block {
        text: text.to_string(),
        flows: true,
        ..Block::default()
    };
    clean_blocks(&[block], rules)
        .into_iter()
        .map(|(paragraph, _)| paragraph)
        .collect()
}

/// Cleans a document's blocks into paragraphs, each with the index of the block it starts in.
/// A line cut mid-sentence is joined to the next line of its block, or to the first line of
/// the next block when both flow (a PDF page break); a whole paragraph (a heading, a DOCX
/// paragraph) is never joined to another. A `cut_from` line ends the whole document.
pub fn clean_blocks(blocks: &[Block], rules: &CleaningRules) -> Vec<(String, usize)> {
    let mut paragraphs: Vec<(String, usize)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut joining = false;
    let full_width = full_line_width(blocks);
    'blocks: for (block_idx, block) in blocks.iter().enumerate() {
        let unified;
        let text = if block.text.contains('\r') {
            unified = block.text.replace("\r\n", "\n").replace('\r', "\n");
            unified.as_str()
        } else {
            block.text.as_str()
        };
        let continues = block_idx > 0 && block.flows && blocks[block_idx - 1].flows;
        if !continues {
            joining = false;
        }
        for line in text.lines() {
            let line = line.trim_matches(|ch: char| ch.is_whitespace());
            if line.is_empty() {
                continue;
            }
            let normalized = normalize(line);
            if rules.cut_from.iter().any(|rule| rule.is_match(&normalized)) {
                break 'blocks;
            }
            if rules
                .drop_line
                .iter()
                .any(|rule| rule.is_match(&normalized))
            {
                continue;
            }
            match paragraphs.last_mut() {
                Some((last, _)) if joining => last.push_str(line),
                _ => paragraphs.push((line.to_string(), block_idx)),
            }
            let full_line = block.flows
                && full_width.is_some_and(|width| line.chars().count() * 10 >= width * 9);
            let last = paragraphs
                .last()
                .map(|(p, _)| p.as_str())
                .unwrap_or_default();
            joining = is_broken(last) || (full_line && !ends_a_sentence(last));
        }
    }
    // Dropping repeats after joining compares whole paragraphs, not line fragments.
    paragraphs.retain(|(paragraph, _)| seen.insert(strip_whitespace(&normalize(paragraph))));
    paragraphs
}

/// The width of a full line of laid-out text, in characters: the 90th percentile of the
/// lengths of the flowing blocks' lines, when there are enough of them to tell (a PDF's pages).
/// A line that long was wrapped by the layout, whatever it ends with, unless it ends a sentence.
fn full_line_width(blocks: &[Block]) -> Option<usize> {
    /// Fewest lines to read a page width from.
    const MIN_LINES: usize = 20;
    let mut lengths: Vec<usize> = blocks
        .iter()
        .filter(|block| block.flows && block.page.is_some())
        .flat_map(|block| block.text.lines())
        .map(|line| line.trim().chars().count())
        .filter(|&len| len > 0)
        .collect();
    if lengths.len() < MIN_LINES {
        return None;
    }
    lengths.sort_unstable();
    Some(lengths[lengths.len() * 9 / 10])
}

/// Whether a line ends with the end of a sentence (a terminator, maybe closed by a quote).
fn ends_a_sentence(line: &str) -> bool {
    let trimmed = line.trim_end_matches(CLOSERS);
    trimmed.ends_with(TERMINATORS)
}

/// Characters that end a sentence; a line ending in one of them is complete.
pub(crate) const TERMINATORS: &[char] = &['。', '！', '？', '!', '?', '…'];

/// Closing quotes and brackets that belong to the sentence they close.
pub(crate) const CLOSERS: &[char] = &['」', '』', '”', '’', '"', '\'', '）', ')', '】', '》'];

/// Punctuation inside a sentence; a line ending in one of them continues on the next line.
const CLAUSE_MARKS: &[char] = &[
    '、', '，', ',', '：', ':', '；', ';', '（', '(', '“', '‘', '《', '—',
];

/// A line without end punctuation is either a heading or a sentence cut by the page layout.
/// Headings are short and do not stop right after a comma, so a line is taken as broken when it
/// ends on a clause mark, is too long for a heading, or has only a few characters after its last
/// comma ("在统筹源网荷储协同发展方面,电" + "源端,…").
fn is_broken(line: &str) -> bool {
    /// Longest line still taken for a heading.
    const MAX_HEADING_CHARS: usize = 60;
    /// Most characters after the last comma of a line cut mid-word.
    const MAX_DANGLING_CHARS: usize = 3;
    let Some(last) = line.chars().last() else {
        return false;
    };
    if TERMINATORS.contains(&last) || CLOSERS.contains(&last) {
        return false;
    }
    if CLAUSE_MARKS.contains(&last) || line.chars().count() > MAX_HEADING_CHARS {
        return true;
    }
    // A line that ended a sentence and goes on into a clause without an end was cut
    // ("…加工业。提高产品附加值，年内农产品加工" + "业产值增长15%以上。"); one that goes on
    // into a short phrase is followed by a caption or a label ("…守护“大同蓝”。图为…一景").
    if let Some(end) = line.rfind(TERMINATORS) {
        let tail = &line[end..];
        if tail.contains(CLAUSE_MARKS) {
            return true;
        }
    }
    match line.rfind(|ch: char| CLAUSE_MARKS.contains(&ch)) {
        Some(at) => {
            let tail = &line[at..];
            tail.chars().count() - 1 <= MAX_DANGLING_CHARS
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> CleaningRules {
        CleaningRules::new(
            &["^特别声明".to_string(), "^相关推荐".to_string()],
            &["^分享至$".to_string(), r"^\d{1,6}$".to_string()],
        )
        .unwrap()
    }

    fn check(text: &str, expected: &[&str]) {
        assert_eq!(clean(text, &rules()), expected);
    }

    #[test]
    fn joins_lines_broken_mid_sentence() {
        check(
            "已完成任务,国电湖东、\n\n热三期两个项目正在建设。",
            &["已完成任务,国电湖东、热三期两个项目正在建设。"],
        );
        check(
            "在统筹源网荷储协同发展方面,电\n\n源端,晋北新能源基地项目建成。",
            &["在统筹源网荷储协同发展方面,电源端,晋北新能源基地项目建成。"],
        );
    }

    #[test]
    fn joins_a_line_that_ended_a_sentence_and_went_on() {
        check(
            "大力发展农产品加工业。提高产品附加值，年内农产品加工\n\n业产值增长15%以上。",
            &["大力发展农产品加工业。提高产品附加值，年内农产品加工业产值增长15%以上。"],
        );
    }

    #[test]
    fn keeps_headings_apart() {
        check(
            "统筹绿色发展和文旅融合,积蓄高质量发展后劲\n\n生态环境是大同的发展优势。",
            &[
                "统筹绿色发展和文旅融合,积蓄高质量发展后劲",
                "生态环境是大同的发展优势。",
            ],
        );
        check(
            "凝聚复兴伟力\n奋进伟大征程",
            &["凝聚复兴伟力", "奋进伟大征程"],
        );
    }

    #[test]
    fn removes_junk_and_repeats() {
        check(
            "正文第一句。\n分享至\n0\n正文第一句。\n特别声明:以上内容…\n推荐标题。",
            &["正文第一句。"],
        );
        check("正文。\n相關推薦\n別的新聞。", &["正文。"]);
        check("", &[]);
    }

    #[test]
    fn joins_across_flowing_blocks_only() {
        let block = |text: &str, flows| Block {
            text: text.to_string(),
            flows,
            ..Block::default()
        };
        let pages = [
            block("第一页的句子，", true),
            block("在第二页结束。\n另一句。", true),
        ];
        assert_eq!(
            clean_blocks(&pages, &rules()),
            [
                ("第一页的句子，在第二页结束。".to_string(), 0),
                ("另一句。".to_string(), 1)
            ]
        );
        // On pages, a line as wide as a full line was wrapped, whatever it ends with.
        let mut page = String::new();
        for n in 0..30 {
            page.push_str(&format!("第{n:02}行是一整行宽的文字没有标点到这里就换行\n"));
        }
        page.push_str("最后一行结束。\n短标题\n正文。");
        let page = Block {
            page: Some(1),
            ..block(&page, true)
        };
        let joined = clean_blocks(&[page], &rules());
        assert_eq!(joined.len(), 3, "{joined:?}");
        assert!(joined[0].0.ends_with("这里就换行最后一行结束。"));
        let paragraphs = [block("一、总体要求，", false), block("正文。", false)];
        assert_eq!(clean_blocks(&paragraphs, &rules()).len(), 2);
        // A cut line ends the whole document, not only its block.
        let cut = [
            block("正文。", false),
            block("相关推荐", false),
            block("别的。", false),
        ];
        assert_eq!(clean_blocks(&cut, &rules()).len(), 1);
    }
}
