//! PDF: the text layer, page by page (`pdf-extract` on `lopdf`; of the two readers measured on
//! Chinese PDFs it keeps the reading order, see BENCHMARKS.md), each page a flowing block so a
//! sentence cut by a page break is joined again. Spaces the layout puts between two Chinese
//! characters (font switches, justified lines) are taken out. Lines that
//! head or foot most pages (running headers, page numbers) are dropped. The extractor runs on a
//! thread of its own with a deadline: a panic or a hang on one file skips that file and nothing
//! else. A PDF without a text layer (a scan) or whose text is mostly unreadable glyphs is
//! refused with that reason, never indexed as garbage.

use std::collections::HashMap;
use std::time::Duration;

use pdf_extract::{Document, Object, PlainTextOutput, output_doc_page};

use super::{Block, Extracted, Metadata, non_empty, normalize_date};

/// Longest a PDF may take to extract.
const DEADLINE: Duration = Duration::from_secs(60);
/// Most pages read from one PDF.
const MAX_PAGES: usize = 5_000;
/// Fewest readable characters a PDF needs to be a text document.
const MIN_CHARS: usize = 10;

pub(super) fn extract(bytes: &[u8]) -> Result<Extracted, String> {
    let bytes = bytes.to_vec();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("pdf-extract".to_string())
        .spawn(move || {
            let result = std::panic::catch_unwind(|| read(bytes));
            let _ = send.send(result);
        })
        .map_err(|err| format!("no thread to read the PDF: {err}"))?;
    let pages = match receive.recv_timeout(DEADLINE) {
        Ok(Ok(result)) => result?,
        Ok(Err(_)) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            return Err("the PDF reader failed on this file (it may be damaged)".to_string());
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            return Err(format!(
                "reading the PDF took longer than {} s; skipped",
                DEADLINE.as_secs()
            ));
        }
    };
    let (pages, metadata) = pages;
    let readable: usize = pages.iter().map(|page| readable_chars(page)).sum();
    let total: usize = pages
        .iter()
        .map(|page| page.chars().filter(|ch| !ch.is_whitespace()).count())
        .sum();
    if readable < MIN_CHARS {
        return Err(
            "the PDF has no text layer (a scan or images only): run OCR on it first".to_string(),
        );
    }
    if readable * 2 < total {
        return Err(
            "the PDF's text layer is mostly unreadable glyphs (fonts without a Unicode map)"
                .to_string(),
        );
    }
    let pages = without_running_lines(pages);
    Ok(Extracted {
        blocks: pages
            .into_iter()
            .enumerate()
            .map(|(idx, text)| Block {
                text,
                page: Some(idx as u32 + 1),
                flows: true,
                ..Block::default()
            })
            .collect(),
        metadata,
        encoding: "PDF".to_string(),
        ..Extracted::default()
    })
}

/// Every page's text and the document's metadata.
fn read(bytes: Vec<u8>) -> Result<(Vec<String>, Metadata), String> {
    let mut document =
        Document::load_mem(&bytes).map_err(|err| format!("not a readable PDF: {err}"))?;
    if document.is_encrypted() && document.decrypt("").is_err() {
        return Err("the PDF is encrypted with a password".to_string());
    }
    let pages = document.get_pages();
    if pages.len() > MAX_PAGES {
        return Err(format!(
            "the PDF has {} pages, more than {MAX_PAGES}",
            pages.len()
        ));
    }
    let texts = pages
        .keys()
        .map(|&number| {
            let mut text = String::new();
            // A page that cannot be read is left empty; the others still count.
            let _ = output_doc_page(&document, &mut PlainTextOutput::new(&mut text), number);
            without_spaces_between_cjk(&text)
        })
        .collect();
    Ok((texts, metadata(&document)))
}

/// `1800萬千瓦, 逐步` stays, `“ 十四五 ”` and `平均 PUE` stay, `大 同` becomes `大同`: a space
/// between two CJK characters (or CJK punctuation) is layout, not text.
fn without_spaces_between_cjk(text: &str) -> String {
    let cjk = |ch: char| {
        crate::text::normalize::is_cjk(ch)
            || ('\u{3000}'..='\u{303f}').contains(&ch)
            || ('\u{ff00}'..='\u{ffef}').contains(&ch)
            || ('\u{2018}'..='\u{201d}').contains(&ch)
            || matches!(ch, '…' | '—' | '·')
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if ch == ' ' {
            let run_end = (i..chars.len())
                .find(|&j| chars[j] != ' ')
                .unwrap_or(chars.len());
            let before = out.chars().last();
            let after = chars.get(run_end).copied();
            if !(before.is_some_and(cjk) && after.is_some_and(cjk)) {
                out.extend(&chars[i..run_end]);
            }
            i = run_end;
            continue;
        }
        out.push(ch);
        i += 1;
    }
    out
}

/// Characters of text: letters, digits, CJK and punctuation, not private-use glyphs or
/// replacement characters.
fn readable_chars(text: &str) -> usize {
    text.chars()
        .filter(|&ch| {
            !ch.is_whitespace()
                && !ch.is_control()
                && ch != char::REPLACEMENT_CHARACTER
                && !('\u{e000}'..='\u{f8ff}').contains(&ch)
        })
        .count()
}

/// The pages without their furniture: lines that stand first or last on most of them (at
/// least three: running headers and footers), and a page number standing first or last (`3`,
/// `- 3 -`, `第3页`, `3/12`). What is left of a sentence cut by a page break is then one span of
/// the text, whitespace aside.
fn without_running_lines(pages: Vec<String>) -> Vec<String> {
    static PAGE_NUMBER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(?:[-—–]\s*)?(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*\d{1,4})?(?:\s*[-—–])?$",
        )
        .expect("the page number pattern compiles")
    });
    let edges = |page: &str| -> Vec<String> {
        let lines: Vec<&str> = page
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect();
        let mut edges: Vec<String> = lines
            .first()
            .into_iter()
            .chain(lines.last())
            .map(|l| l.to_string())
            .collect();
        edges.dedup();
        edges
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    for page in &pages {
        for line in edges(page) {
            *counts.entry(line).or_default() += 1;
        }
    }
    let running = |line: &str| {
        counts
            .get(line.trim())
            .is_some_and(|&n| n >= 3 && n * 2 >= pages.len())
    };
    pages
        .iter()
        .map(|page| {
            let mut kept: Vec<&str> = page.lines().filter(|line| !running(line)).collect();
            for end in [true, false] {
                let edge = if end {
                    kept.iter().rposition(|line| !line.trim().is_empty())
                } else {
                    kept.iter().position(|line| !line.trim().is_empty())
                };
                if let Some(at) = edge.filter(|&at| PAGE_NUMBER.is_match(kept[at].trim())) {
                    kept.remove(at);
                }
            }
            kept.join("\n")
        })
        .collect()
}

/// Title, author (the publisher) and creation date from the document's Info dictionary.
fn metadata(document: &Document) -> Metadata {
    let info = document
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|info| match info {
            Object::Reference(id) => document.get_dictionary(*id).ok(),
            Object::Dictionary(dictionary) => Some(dictionary),
            _ => None,
        });
    let field = |key: &[u8]| -> Option<String> {
        let value = info?.get(key).ok()?;
        let value = match value {
            Object::Reference(id) => document.get_object(*id).ok()?,
            value => value,
        };
        non_empty(&text_string(value.as_str().ok()?))
    };
    let title = field(b"Title").filter(|title| !looks_like_a_file_name(title));
    Metadata {
        title,
        publisher: field(b"Author"),
        date: field(b"CreationDate")
            .or_else(|| field(b"ModDate"))
            .and_then(|date| normalize_date(&date)),
        url: None,
    }
}

/// A PDF text string: UTF-16 with a byte-order mark, or PDFDocEncoding (Latin-1 near enough).
fn text_string(bytes: &[u8]) -> String {
    match bytes {
        [0xFE, 0xFF, rest @ ..] => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => bytes.iter().map(|&byte| byte as char).collect(),
    }
}

/// Titles such as `Microsoft Word - 报告.docx` name the file, not the document.
fn looks_like_a_file_name(title: &str) -> bool {
    let lower = title.to_lowercase();
    [".doc", ".docx", ".wps", ".pdf", ".xls"]
        .iter()
        .any(|ext| lower.ends_with(ext))
        || lower.starts_with("microsoft word")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_lines_that_head_most_pages() {
        let pages: Vec<String> = (1..=4)
            .map(|n| format!("市政府公报\n第{n}页的正文。\n{n}"))
            .collect();
        let kept = without_running_lines(pages);
        assert_eq!(kept[0], "第1页的正文。");
        assert_eq!(kept[3], "第4页的正文。");
        let numbered = vec!["- 7 -\n正文，".to_string(), "接着。\n第 8 页".to_string()];
        assert_eq!(without_running_lines(numbered), ["正文，", "接着。"]);
        // Two pages are too few to tell a running header from a repeated line.
        let pages = vec!["标题\n甲。".to_string(), "标题\n乙。".to_string()];
        assert_eq!(without_running_lines(pages.clone()), pages);
    }

    #[test]
    fn takes_out_layout_spaces_between_chinese_characters_only() {
        assert_eq!(
            without_spaces_between_cjk("大 同市  “ 十四五 ” 平均 PUE 1.17, 逐步"),
            "大同市“十四五”平均 PUE 1.17, 逐步"
        );
    }

    #[test]
    fn reads_both_kinds_of_text_string() {
        assert_eq!(text_string(&[0xFE, 0xFF, 0x4E, 0x91, 0x6D, 0x77]), "云海");
        assert_eq!(text_string(b"Report"), "Report");
    }
}
