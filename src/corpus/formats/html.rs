//! HTML: a saved web page's article. The main content is the page's `<article>` (or `<main>`,
//! or the element marked as the article body), else its body; scripts, styles, navigation,
//! asides, footers, forms and blocks named as comments, recommendations, sharing or breadcrumbs
//! are left out wherever they stand. Headings are blocks of their own and the sections of what
//! follows; table rows are lines. Title, site name, publication time and canonical URL come
//! from the page's `<head>`.

use scraper::{ElementRef, Html, Node, Selector};

use super::{Block, Extracted, Metadata, non_empty, normalize_date, one_line};

/// Elements that are never the document's text.
const NEVER_TEXT: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "aside", "footer", "form", "iframe", "svg",
    "button", "select", "textarea", "head", "img", "video", "audio", "canvas",
];

/// Words in an element's `id` or `class` that mark page furniture, not the article.
const FURNITURE: &[&str] = &[
    "comment",
    "recommend",
    "related",
    "share",
    "breadcrumb",
    "crumb",
    "sidebar",
    "footer",
    "navbar",
    "menu",
    "advert",
    "banner",
    "popup",
    "toolbar",
    "copyright",
    "hot-list",
    "ranking",
];

/// Elements after which a line ends.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "tbody",
    "thead",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "figcaption",
    "figure",
    "section",
    "article",
    "main",
    "header",
    "br",
    "hr",
    "center",
];

/// Where the article is looked for, most specific first.
const ARTICLE: &[&str] = &[
    "article",
    "[itemprop=articleBody]",
    "main",
    "[role=main]",
    "#article",
    ".article",
    "#content",
    ".content",
    "body",
];

pub(super) fn extract(text: &str) -> Extracted {
    let page = Html::parse_document(text);
    let root = ARTICLE
        .iter()
        .filter_map(|selector| Selector::parse(selector).ok())
        .find_map(|selector| page.select(&selector).next())
        .unwrap_or_else(|| page.root_element());
    let mut walk = Walk::default();
    walk.element(root, root.value().name() == "body");
    walk.end_line();
    Extracted {
        blocks: walk.blocks,
        metadata: metadata(&page),
        ..Extracted::default()
    }
}

/// The text of the article as it is walked.
#[derive(Default)]
struct Walk {
    blocks: Vec<Block>,
    line: String,
    section: Option<String>,
}

impl Walk {
    fn element(&mut self, element: ElementRef<'_>, whole_page: bool) {
        let name = element.value().name();
        if NEVER_TEXT.contains(&name) || (whole_page && name == "header") || is_furniture(element) {
            return;
        }
        if is_heading(name) {
            self.end_line();
            let heading = one_line(&element.text().collect::<String>());
            if !heading.is_empty() {
                self.section = Some(heading.clone());
                self.blocks.push(Block {
                    text: heading,
                    section: self.section.clone(),
                    ..Block::default()
                });
            }
            return;
        }
        let block = BLOCKS.contains(&name);
        if block {
            self.end_line();
        }
        for child in element.children() {
            match child.value() {
                Node::Text(text) => self.text(text),
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.element(child, whole_page);
                    }
                }
                _ => {}
            }
        }
        if matches!(name, "td" | "th") {
            self.line.push('\t');
        }
        if block {
            self.end_line();
        }
    }

    /// Text as the browser shows it: runs of whitespace are one space.
    fn text(&mut self, text: &str) {
        let mut last_space = self.line.ends_with(' ') || self.line.is_empty();
        for ch in text.chars() {
            if ch.is_whitespace() {
                if !last_space {
                    self.line.push(' ');
                }
                last_space = true;
            } else {
                self.line.push(ch);
                last_space = false;
            }
        }
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        let line = line.trim();
        if !line.is_empty() {
            self.blocks.push(Block {
                text: line.to_string(),
                section: self.section.clone(),
                ..Block::default()
            });
        }
    }
}

fn is_heading(name: &str) -> bool {
    matches!(name.as_bytes(), [b'h', b'1'..=b'6'])
}

/// An element whose `id` or `class` names page furniture.
fn is_furniture(element: ElementRef<'_>) -> bool {
    let value = element.value();
    let names = format!(
        "{} {}",
        value.id().unwrap_or_default(),
        value.attr("class").unwrap_or_default()
    )
    .to_lowercase();
    FURNITURE.iter().any(|word| names.contains(word))
}

/// Title, site name, publication date and canonical URL from the page's head.
fn metadata(page: &Html) -> Metadata {
    let first = |selectors: &[&str], attr: &str| {
        selectors.iter().find_map(|selector| {
            let selector = Selector::parse(selector).ok()?;
            page.select(&selector).find_map(|element| match attr {
                "" => non_empty(&element.text().collect::<String>()),
                attr => element.value().attr(attr).and_then(non_empty),
            })
        })
    };
    let title = first(
        &["meta[property='og:title']", "meta[name='title']"],
        "content",
    )
    .or_else(|| first(&["title"], "").map(|title| site_suffix_removed(&title)));
    Metadata {
        title,
        publisher: first(
            &[
                "meta[property='og:site_name']",
                "meta[name='publisher']",
                "meta[name='source']",
                "meta[name='application-name']",
            ],
            "content",
        ),
        date: first(
            &[
                "meta[property='article:published_time']",
                "meta[name='pubdate']",
                "meta[name='publishdate']",
                "meta[name='PubDate']",
                "meta[itemprop='datePublished']",
                "meta[name='date']",
            ],
            "content",
        )
        .or_else(|| first(&["time[datetime]"], "datetime"))
        .and_then(|date| normalize_date(&date)),
        url: first(&["link[rel='canonical']"], "href")
            .or_else(|| first(&["meta[property='og:url']"], "content")),
    }
}

/// `云海港吞吐量创新高_云海日报` → `云海港吞吐量创新高`: a page title ends with the site's name.
fn site_suffix_removed(title: &str) -> String {
    let cut = ["_", " | ", " - ", "｜", " — "]
        .iter()
        .filter_map(|sep| title.rfind(sep))
        .min();
    match cut {
        Some(at) if at > 0 => title[..at].trim().to_string(),
        _ => title.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_article_and_leaves_the_page_furniture() {
        let extracted = extract(
            r#"<html><head><title>标题_日报</title>
            <meta property="article:published_time" content="2024-02-20T08:00:00+08:00">
            <link rel="canonical" href="https://x.cn/a.html"><script>var a="脚本";</script></head>
            <body><nav><a>首页</a></nav><div class="breadcrumb">首页 &gt; 新闻</div>
            <article><h1>标题</h1><p>第一段，
            有两行。</p><!-- 注释 --><h2>小节</h2><p>第二段。</p>
            <table><tr><td>甲</td><td>1</td></tr></table></article>
            <div id="comments"><p>网友说假的。</p></div><footer>版权所有</footer></body></html>"#,
        );
        let blocks: Vec<(&str, Option<&str>)> = extracted
            .blocks
            .iter()
            .map(|block| (block.text.as_str(), block.section.as_deref()))
            .collect();
        assert_eq!(
            blocks,
            [
                ("标题", Some("标题")),
                ("第一段， 有两行。", Some("标题")),
                ("小节", Some("小节")),
                ("第二段。", Some("小节")),
                ("甲\t1", Some("小节")),
            ]
        );
        assert_eq!(
            extracted.metadata,
            Metadata {
                title: Some("标题".into()),
                publisher: None,
                date: Some("2024-02-20".into()),
                url: Some("https://x.cn/a.html".into()),
            }
        );
    }
}
