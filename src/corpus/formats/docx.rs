//! DOCX: a zip of XML parts. `word/document.xml` gives the paragraphs (`w:p`, their runs'
//! `w:t`, tabs and breaks), the headings (a heading style or an outline level, read from
//! `word/styles.xml`) that are the sections of what follows them, and table rows (`w:tr`), one
//! line each with the cells apart; `docProps/core.xml` gives title, creator and date. The zip is
//! read within hard limits, so that a zip bomb is refused instead of filling memory.

use std::collections::HashSet;
use std::io::Read;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::{Block, Extracted, Metadata, non_empty, normalize_date, one_line};

/// Most entries a document's zip may have.
const MAX_ENTRIES: usize = 10_000;
/// Most bytes one XML part may expand to.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Most a part may expand against its compressed size (text XML compresses about 10:1).
const MAX_RATIO: u64 = 200;

pub(super) fn extract(bytes: &[u8]) -> Result<Extracted, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|err| format!("the DOCX is not a readable zip: {err}"))?;
    if zip.len() > MAX_ENTRIES {
        return Err(format!(
            "the DOCX zip has {} entries, more than {MAX_ENTRIES}: refused as a possible zip bomb",
            zip.len()
        ));
    }
    let document = part(&mut zip, "word/document.xml")?
        .ok_or("the zip has no word/document.xml: not a Word document")?;
    let headings = match part(&mut zip, "word/styles.xml")? {
        Some(styles) => heading_styles(&styles),
        None => HashSet::new(),
    };
    let metadata = match part(&mut zip, "docProps/core.xml")? {
        Some(core) => core_metadata(&core),
        None => Metadata::default(),
    };
    Ok(Extracted {
        blocks: paragraphs(&document, &headings)?,
        metadata,
        encoding: "DOCX".to_string(),
        ..Extracted::default()
    })
}

/// The text of the zip entry `name`, read within the limits; None when there is no such entry.
fn part(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, String> {
    let entry = match zip.by_name(name) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(err) => return Err(format!("{name} cannot be read from the DOCX: {err}")),
    };
    let limit = MAX_PART_BYTES.min(entry.compressed_size().max(1024) * MAX_RATIO);
    let mut bytes = Vec::new();
    entry
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| format!("{name} cannot be unpacked from the DOCX: {err}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "{name} expands beyond {} MB or {MAX_RATIO} times its packed size: refused as a possible zip bomb",
            limit / (1024 * 1024)
        ));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| format!("{name} in the DOCX is not UTF-8"))
}

/// The local name of an element (`w:p` → `p`).
fn local(element: &BytesStart<'_>) -> String {
    element.local_name().as_ref().to_string()
}

/// The attribute of an element whose local name is `name` (`w:val` for `val`).
fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    element
        .attributes()
        .filter_map(Result::ok)
        .find_map(|attr| {
            (attr.key.local_name().as_ref() == name)
                .then(|| {
                    attr.normalized_value(XmlVersion::Implicit1_0)
                        .ok()
                        .map(|value| value.into_owned())
                })
                .flatten()
        })
}

/// The `w:val` attribute of an element.
fn val(element: &BytesStart<'_>) -> Option<String> {
    attribute(element, "val")
}

/// Style ids of headings: named `heading N` / `标题 N` / `Title`, or given an outline level.
fn heading_styles(styles: &str) -> HashSet<String> {
    let mut reader = quick_xml::Reader::from_str(styles);
    let mut headings = HashSet::new();
    let mut style: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(element) | Event::Empty(element)) => match local(&element).as_str() {
                "style" => style = attribute(&element, "styleId"),
                "name" => {
                    let name = val(&element).unwrap_or_default().to_lowercase();
                    if name.starts_with("heading") || name.starts_with("标题") || name == "title"
                    {
                        headings.extend(style.clone());
                    }
                }
                "outlineLvl" => headings.extend(style.clone()),
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    headings
}

/// The body's paragraphs and table rows as blocks, headings as the sections of what follows.
fn paragraphs(document: &str, headings: &HashSet<String>) -> Result<Vec<Block>, String> {
    let mut reader = quick_xml::Reader::from_str(document);
    let mut blocks = Vec::new();
    let mut section: Option<String> = None;
    let (mut paragraph, mut row) = (String::new(), String::new());
    let (mut in_text, mut is_heading, mut row_depth) = (false, false, 0usize);
    loop {
        let event = reader
            .read_event()
            .map_err(|err| format!("word/document.xml is not well-formed XML: {err}"))?;
        match event {
            Event::Start(ref element) | Event::Empty(ref element) => {
                let opens = matches!(event, Event::Start(_));
                match local(element).as_str() {
                    "t" => in_text = opens,
                    "tab" => paragraph.push('\t'),
                    "br" | "cr" => paragraph.push('\n'),
                    "pStyle" => is_heading |= val(element).is_some_and(|id| headings.contains(&id)),
                    "outlineLvl" => is_heading = true,
                    "tr" if opens => row_depth += 1,
                    _ => {}
                }
            }
            Event::Text(text) if in_text => paragraph.push_str(&text.xml10_content()),
            Event::GeneralRef(entity) if in_text => {
                if let Ok(Some(ch)) = entity.resolve_char_ref() {
                    paragraph.push(ch);
                } else if let Some(text) =
                    quick_xml::escape::resolve_predefined_entity(&entity.xml10_content())
                {
                    paragraph.push_str(text);
                }
            }
            Event::End(element) => match element.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    let text = std::mem::take(&mut paragraph);
                    if row_depth > 0 {
                        if !row.is_empty() && !text.trim().is_empty() {
                            row.push('\t');
                        }
                        row.push_str(text.trim());
                    } else if is_heading {
                        let heading = one_line(&text);
                        if !heading.is_empty() {
                            section = Some(heading.clone());
                            blocks.push(Block {
                                text: heading,
                                section: section.clone(),
                                ..Block::default()
                            });
                        }
                    } else if !text.trim().is_empty() {
                        blocks.push(Block {
                            text: text.trim().to_string(),
                            section: section.clone(),
                            ..Block::default()
                        });
                    }
                    is_heading = false;
                }
                "tr" => {
                    row_depth = row_depth.saturating_sub(1);
                    let text = std::mem::take(&mut row);
                    if !text.trim().is_empty() {
                        blocks.push(Block {
                            text,
                            section: section.clone(),
                            ..Block::default()
                        });
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(blocks)
}

/// Title, creator (the publisher) and creation date from `docProps/core.xml`.
fn core_metadata(core: &str) -> Metadata {
    let mut reader = quick_xml::Reader::from_str(core);
    let mut metadata = Metadata::default();
    let mut field = String::new();
    let mut modified = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(element)) => field = local(&element),
            Ok(Event::Text(text)) => {
                let value = non_empty(&text.xml10_content());
                match field.as_str() {
                    "title" => metadata.title = metadata.title.take().or(value),
                    "creator" => metadata.publisher = metadata.publisher.take().or(value),
                    "created" => metadata.date = value.and_then(|date| normalize_date(&date)),
                    "modified" => modified = value.and_then(|date| normalize_date(&date)),
                    _ => {}
                }
            }
            Ok(Event::End(_)) => field.clear(),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    metadata.date = metadata.date.or(modified);
    metadata
}
