//! Markdown: the text of its paragraphs, list items, quotes and table rows with the markup
//! removed (emphasis, links, images, inline HTML), each heading a block of its own and the
//! section of what follows it. Code blocks are not prose and are left out.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{Block, Extracted, Metadata, non_empty, one_line};

pub(super) fn extract(text: &str) -> Extracted {
    let mut blocks = Vec::new();
    let mut section: Option<String> = None;
    let mut title: Option<String> = None;
    let mut current = String::new();
    let mut in_heading = None;
    let mut in_code = false;
    let flush = |current: &mut String, blocks: &mut Vec<Block>, section: &Option<String>| {
        let text = std::mem::take(current);
        if !text.trim().is_empty() {
            blocks.push(Block {
                text: text.trim().to_string(),
                section: section.clone(),
                ..Block::default()
            });
        }
    };
    for event in Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut current, &mut blocks, &section);
                in_heading = Some(level);
            }
            Event::End(TagEnd::Heading(_)) => {
                let heading = one_line(&current);
                current.clear();
                if !heading.is_empty() {
                    if in_heading == Some(pulldown_cmark::HeadingLevel::H1) && title.is_none() {
                        title = Some(heading.clone());
                    }
                    section = Some(heading.clone());
                    blocks.push(Block {
                        text: heading,
                        section: section.clone(),
                        ..Block::default()
                    });
                }
                in_heading = None;
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Paragraph | Tag::Item | Tag::TableRow | Tag::TableHead)
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_),
            ) => flush(&mut current, &mut blocks, &section),
            Event::End(TagEnd::TableCell) => current.push('\t'),
            Event::Text(text) | Event::Code(text) if !in_code => current.push_str(&text),
            Event::SoftBreak | Event::HardBreak => current.push('\n'),
            _ => {}
        }
    }
    flush(&mut current, &mut blocks, &section);
    Extracted {
        blocks,
        metadata: Metadata {
            title: title.and_then(|title| non_empty(&title)),
            ..Metadata::default()
        },
        ..Extracted::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_markup_and_keeps_headings_as_sections() {
        let extracted = extract(
            "# 简报\n\n## 研发投入\n\n投入**18.6亿元**，比重达到[3.6%](https://x.cn)。\n\n```\ncode();\n```\n\n## 专利\n\n- 授权专利1320件。\n- 企业415家。\n\n| 项目 | 数 |\n|---|---|\n| 专利 | 1320 |\n",
        );
        let blocks: Vec<(&str, Option<&str>)> = extracted
            .blocks
            .iter()
            .map(|block| (block.text.as_str(), block.section.as_deref()))
            .collect();
        assert_eq!(
            blocks,
            [
                ("简报", Some("简报")),
                ("研发投入", Some("研发投入")),
                ("投入18.6亿元，比重达到3.6%。", Some("研发投入")),
                ("专利", Some("专利")),
                ("授权专利1320件。", Some("专利")),
                ("企业415家。", Some("专利")),
                ("项目\t数", Some("专利")),
                ("专利\t1320", Some("专利")),
            ]
        );
        assert_eq!(extracted.metadata.title.as_deref(), Some("简报"));
        assert!(!extracted.text().contains("code"));
    }
}
