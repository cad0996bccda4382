//! Document formats: the bytes of a file → its text as blocks, each with its place (page of a
//! PDF, section heading of a DOCX, HTML or Markdown file), and what the document says of itself
//! (title, publisher, date, URL). The format is read from the content first (`%PDF-`, a zip
//! with `word/document.xml`, an HTML tag), the file name second. Everything a quote can be is
//! a span of the text the blocks make ([`Extracted::text`]): that text is what `source --raw`
//! prints and what quotes are checked against.

mod docx;
mod html;
mod markdown;
mod pdf;

use super::decode::{REPAIRED_UTF_8, decode};

/// The file name endings the corpus folder is read for.
pub const DOCUMENT_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm", "pdf", "docx"];

/// Largest document file read, in bytes: a bigger one is skipped with a warning.
pub const MAX_DOCUMENT_BYTES: u64 = 200 * 1024 * 1024;

/// A document format quotebot reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Docx,
    Pdf,
}

impl Format {
    /// The format of a file named `name` holding `bytes`: by content, then by name.
    pub fn detect(name: &str, bytes: &[u8]) -> Format {
        let head = &bytes[..bytes.len().min(1024)];
        if head.starts_with(b"%PDF-") {
            return Format::Pdf;
        }
        if head.starts_with(b"PK\x03\x04") {
            return Format::Docx;
        }
        let start = String::from_utf8_lossy(head)
            .trim_start_matches('\u{feff}')
            .trim_start()
            .to_lowercase();
        if start.starts_with("<!doctype html")
            || start.starts_with("<html")
            || start.contains("<head>")
        {
            return Format::Html;
        }
        let extension = name.rsplit_once('.').map(|(_, ext)| ext.to_lowercase());
        match extension.as_deref() {
            Some("md" | "markdown") => Format::Markdown,
            Some("html" | "htm") => Format::Html,
            Some("pdf") => Format::Pdf,
            Some("docx") => Format::Docx,
            _ => Format::Text,
        }
    }
}

/// A run of a document's text with one place: a PDF page, a paragraph under a heading.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Block {
    pub text: String,
    /// Page number, from 1 (PDF).
    pub page: Option<u32>,
    /// The heading the block stands under (DOCX, HTML, Markdown), or the heading itself.
    pub section: Option<String>,
    /// Laid-out text whose lines may be cut mid-sentence (plain text, PDF pages): a cut last
    /// line continues into the next flowing block. Other blocks are whole paragraphs.
    pub flows: bool,
}

/// What a document states about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub title: Option<String>,
    pub publisher: Option<String>,
    /// `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`).
    pub date: Option<String>,
    pub url: Option<String>,
}

/// A document's text, block by block, with its metadata.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub format: Option<Format>,
    pub blocks: Vec<Block>,
    pub metadata: Metadata,
    /// How the bytes were read: a text encoding, or the format.
    pub encoding: String,
    pub warnings: Vec<String>,
}

/// The separator between blocks in [`Extracted::text`].
pub const BLOCK_SEPARATOR: &str = "\n\n";

impl Extracted {
    /// The document's text as extracted: its blocks, one after the other.
    pub fn text(&self) -> String {
        let texts: Vec<&str> = self
            .blocks
            .iter()
            .map(|block| block.text.as_str())
            .collect();
        texts.join(BLOCK_SEPARATOR)
    }
}

/// Reads a file named `name`; why it holds no usable text otherwise.
pub fn extract(name: &str, bytes: &[u8]) -> Result<Extracted, String> {
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    let format = Format::detect(name, bytes);
    let mut extracted = match format {
        Format::Pdf => pdf::extract(bytes)?,
        Format::Docx => docx::extract(bytes)?,
        Format::Text | Format::Markdown | Format::Html => {
            let (text, encoding) = decode(bytes).map_err(|err| err.to_string())?;
            let mut extracted = match format {
                Format::Markdown => markdown::extract(&text),
                Format::Html => html::extract(&text),
                _ => Extracted {
                    blocks: vec![Block {
                        text,
                        flows: true,
                        ..Block::default()
                    }],
                    ..Extracted::default()
                },
            };
            if encoding == REPAIRED_UTF_8 {
                extracted
                    .warnings
                    .push("a few bytes that are no UTF-8 (or NULs) were replaced".to_string());
            }
            extracted.encoding = match format {
                Format::Text => encoding.to_string(),
                _ => format!("{} ({encoding})", format_name(format)),
            };
            extracted
        }
    };
    extracted.format = Some(format);
    if extracted.encoding.is_empty() {
        extracted.encoding = format_name(format).to_string();
    }
    extracted
        .blocks
        .retain(|block| !block.text.trim().is_empty());
    if extracted.blocks.is_empty() {
        return Err(format!("the {} holds no text", format_name(format)));
    }
    Ok(extracted)
}

/// The reason a file over [`MAX_DOCUMENT_BYTES`] is not read.
pub fn too_big(len: u64) -> String {
    format!(
        "the file is {} MB, more than the {} MB a document may have",
        len / (1024 * 1024),
        MAX_DOCUMENT_BYTES / (1024 * 1024)
    )
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Text => "text",
        Format::Markdown => "Markdown",
        Format::Html => "HTML",
        Format::Docx => "DOCX",
        Format::Pdf => "PDF",
    }
}

/// `2024-02-20T08:00:00+08:00`, `20240220`, `D:20240220…`, `2024年2月20日` → `2024-02-20`
/// (or `2024-02`, `2024`); None when no year of this or the last two centuries leads it.
pub fn normalize_date(raw: &str) -> Option<String> {
    static DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(?:D:)?((?:19|20)\d\d)(?:[-/.年]?(\d{1,2})(?:[-/.月]?(\d{1,2}))?)?")
            .expect("the date pattern compiles")
    });
    let caps = DATE.captures(raw.trim())?;
    let mut date = caps[1].to_string();
    let valid = |n: &str, max: u32| n.parse::<u32>().ok().filter(|n| (1..=max).contains(n));
    if let Some(month) = caps.get(2).and_then(|m| valid(m.as_str(), 12)) {
        date.push_str(&format!("-{month:02}"));
        if let Some(day) = caps.get(3).and_then(|d| valid(d.as_str(), 31)) {
            date.push_str(&format!("-{day:02}"));
        }
    }
    Some(date)
}

/// Collapses runs of whitespace to one space and trims: for titles and headings.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// None for an empty or whitespace-only value.
pub(crate) fn non_empty(text: &str) -> Option<String> {
    let text = one_line(text);
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_by_content_before_name() {
        assert_eq!(Format::detect("a.txt", b"%PDF-1.4\n"), Format::Pdf);
        assert_eq!(Format::detect("a.txt", b"PK\x03\x04rest"), Format::Docx);
        assert_eq!(
            Format::detect("a.txt", b"<!DOCTYPE html><html>"),
            Format::Html
        );
        assert_eq!(
            Format::detect("a.md", "# 标题".as_bytes()),
            Format::Markdown
        );
        assert_eq!(
            Format::detect("a.htm", "<p>段落</p>".as_bytes()),
            Format::Html
        );
        assert_eq!(Format::detect("a.txt", "正文。".as_bytes()), Format::Text);
        assert_eq!(Format::detect("a.pdf", "正文。".as_bytes()), Format::Pdf);
    }

    #[test]
    fn reads_dates_in_the_forms_documents_write() {
        for (raw, date) in [
            ("2024-02-20T08:00:00+08:00", Some("2024-02-20")),
            ("D:20240115000000+08'00'", Some("2024-01-15")),
            ("2024年2月5日", Some("2024-02-05")),
            ("2024-13-01", Some("2024")),
            ("2024", Some("2024")),
            ("yesterday", None),
            ("1066-10-14", None),
        ] {
            assert_eq!(normalize_date(raw).as_deref(), date, "{raw}");
        }
    }
}
