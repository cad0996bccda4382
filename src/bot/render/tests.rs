//! The HTML and the cutting of messages, on made-up blocks.

use super::*;

fn plain(text: &str) -> Block {
    Block {
        body: vec![Span::Plain(text.into())],
        tail: Vec::new(),
        wrap: Wrap::None,
    }
}

fn check(blocks: &[Block], limit: usize, expected: &[&str]) {
    assert_eq!(split(blocks, limit), expected);
}

#[test]
fn escapes_and_marks() {
    let block = Block {
        body: vec![Span::Plain("a<b>&c".into()), Span::Bold("1686亿元".into())],
        tail: vec![Span::Code("[4·5.2]".into()), Span::Italic("《x》".into())],
        wrap: Wrap::None,
    };
    check(
        &[block],
        100,
        &["a&lt;b&gt;&amp;c<b>1686亿元</b>\n<code>[4·5.2]</code><i>《x》</i>"],
    );
}

#[test]
fn packs_blocks_and_splits_between_them() {
    check(
        &[plain("一二三"), plain("四五六")],
        8,
        &["一二三\n\n四五六"],
    );
    check(
        &[plain("一二三"), plain("四五六")],
        7,
        &["一二三", "四五六"],
    );
    check(&[plain("  "), plain("四")], 7, &["四"]);
}

#[test]
fn cuts_an_oversized_block_without_breaking_tags() {
    let block = Block {
        body: vec![Span::Plain("一二三四五".into()), Span::Bold("六七".into())],
        tail: vec![Span::Code("[1·1]".into())],
        wrap: Wrap::None,
    };
    check(
        std::slice::from_ref(&block),
        6,
        &["一二三四五", "<b>六七</b>\n", "<code>[1·1]</code>"],
    );
    check(
        &[block],
        8,
        &["一二三四五<b>六七</b>\n", "<code>[1·1]</code>"],
    );
    let long_bold = Block {
        body: vec![Span::Bold("一二三四五".into())],
        tail: Vec::new(),
        wrap: Wrap::None,
    };
    check(
        &[long_bold],
        2,
        &["<b>一二</b>", "<b>三四</b>", "<b>五</b>"],
    );
}

#[test]
fn quotes_stand_in_blockquotes_closed_and_reopened_across_a_cut() {
    let quote = Block {
        body: vec![Span::Plain("一二三四".into()), Span::Bold("五六".into())],
        tail: vec![Span::Link(
            "[1·1]".into(),
            "https://t.me/b?start=src-1-1-1".into(),
        )],
        wrap: Wrap::Quote,
    };
    check(
        std::slice::from_ref(&quote),
        100,
        &[
            "<blockquote>一二三四<b>五六</b></blockquote>\n<a href=\"https://t.me/b?start=src-1-1-1\">[1·1]</a>",
        ],
    );
    let folded = Block {
        wrap: Wrap::Expandable,
        ..quote
    };
    check(
        &[folded],
        5,
        &[
            "<blockquote expandable>一二三四</blockquote>",
            "<blockquote expandable><b>五六</b></blockquote>\n",
            "<a href=\"https://t.me/b?start=src-1-1-1\">[1·1]</a>",
        ],
    );
}

#[test]
fn no_message_carries_more_entities_than_telegram_formats() {
    let entities = |html: &str| html.matches('<').count() - html.matches("</").count();
    // Many small quotes: packed into messages of at most MAX_ENTITIES entities each.
    let quote = Block {
        body: vec![Span::Bold("1".into()), Span::Bold("2".into())],
        tail: vec![Span::Code("[1·1]".into())],
        wrap: Wrap::Quote,
    };
    let parts = split(&vec![quote; 60], MAX_MESSAGE_LEN);
    assert!(parts.len() >= 2);
    assert!(
        parts.iter().all(|part| entities(part) <= MAX_ENTITIES),
        "{parts:?}"
    );
    // One block with more marked spans than the cap: the rest stay as plain text.
    let crowded = Block {
        body: (0..150).map(|n| Span::Bold(n.to_string())).collect(),
        tail: Vec::new(),
        wrap: Wrap::None,
    };
    let parts = split(&[crowded], MAX_MESSAGE_LEN);
    assert_eq!(parts.len(), 1);
    assert_eq!(entities(&parts[0]), MAX_ENTITIES);
    assert!(parts[0].ends_with("148149"));
}

#[test]
fn counts_utf16_units() {
    assert_eq!(telegram_len("大同😀"), 4);
    check(&[plain("😀😀😀")], 4, &["😀😀", "😀"]);
}
