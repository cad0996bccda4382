//! Cleaning: from a decoded file to its paragraphs. Page junk is removed by the rules in
//! `config/cleaning.toml`, lines broken in the middle of a sentence are joined again, and
//! repeated paragraphs are dropped. Paragraphs keep the original characters: whatever is quoted
//! later is a span of the file once whitespace is set aside.

use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use crate::config::{ConfigError, read_toml};
use crate::text::normalize::{normalize, strip_whitespace};

/// Compiled page-junk rules (see `config/cleaning.toml` for what each list means).
#[derive(Debug, Clone, Default)]
pub struct CleaningRules {
    cut_from: Vec<Regex>,
    drop_line: Vec<Regex>,
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
}

impl CleaningRules {
    /// Compiles the rules.
    pub fn new(cut_from: &[String], drop_line: &[String]) -> Result<Self, BadPattern> {
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
        })
    }

    /// Reads and compiles `config/cleaning.toml`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let file: CleaningFile = read_toml(path)?;
        CleaningRules::new(&file.cut_from, &file.drop_line)
            .map_err(|err| ConfigError::Invalid(path.to_path_buf(), err.to_string()))
    }

    /// The patterns, for the corpus fingerprint: a rule change rebuilds the index.
    pub fn patterns(&self) -> impl Iterator<Item = &str> {
        self.cut_from
            .iter()
            .chain(&self.drop_line)
            .map(Regex::as_str)
    }
}

/// Splits `text` into cleaned paragraphs, in document order. Lines end at `\n`, `\r\n` or a
/// lone `\r` (old Mac files).
pub fn clean(text: &str, rules: &CleaningRules) -> Vec<String> {
    let unified;
    let text = if text.contains('\r') {
        unified = text.replace("\r\n", "\n").replace('\r', "\n");
        unified.as_str()
    } else {
        text
    };
    let mut paragraphs: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut joining = false;
    for line in text.lines() {
        let line = line.trim_matches(|ch: char| ch.is_whitespace());
        if line.is_empty() {
            continue;
        }
        let normalized = normalize(line);
        if rules.cut_from.iter().any(|rule| rule.is_match(&normalized)) {
            break;
        }
        if rules
            .drop_line
            .iter()
            .any(|rule| rule.is_match(&normalized))
        {
            continue;
        }
        match paragraphs.last_mut() {
            Some(last) if joining => last.push_str(line),
            _ => paragraphs.push(line.to_string()),
        }
        joining = is_broken(paragraphs.last().map(String::as_str).unwrap_or_default());
    }
    // Dropping repeats after joining compares whole paragraphs, not line fragments.
    paragraphs.retain(|paragraph| seen.insert(strip_whitespace(&normalize(paragraph))));
    paragraphs
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
}
