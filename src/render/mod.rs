//! The text pieces every front end shows the same way, written once: the heading of a reply's
//! status, and a quote cut into plain text and figures to highlight. `plain` renders for the
//! terminal (and the JSON `reply` field), `json` the `ask --json` contract; Telegram HTML is
//! `bot::render`'s, built from the same pieces.

pub mod json;
pub mod plain;

use crate::answer::{Quote, Reply, Status};

/// The line above the quotes, if the status has one.
pub fn heading(reply: &Reply) -> Option<String> {
    match reply.status {
        Status::NoQuestion => {
            Some("请输入一个问题，例如：大同2021年地区生产总值是多少？".to_string())
        }
        Status::NotFound => Some(format!("资料中没有找到与“{}”相关的内容。", reply.question)),
        Status::SourcesDisagree => {
            Some("不同来源给出的数字不同（按发布时间排列，新的在前）：".to_string())
        }
        Status::SourcesAgree => {
            Some("各来源给出的数字一致（按发布时间排列，新的在前）：".to_string())
        }
        Status::SearchFailed => Some("抱歉，检索出错，请稍后再试。".to_string()),
        Status::OtherPeriod => {
            let asked: Vec<String> = reply.asked_years.iter().map(|y| format!("{y}年")).collect();
            let nearest = reply
                .nearest_year
                .map(|year| format!("资料中最近的是{year}年："))
                .unwrap_or_else(|| "资料中有的是其他时期的：".to_string());
            Some(format!("资料中没有{}的数字。{nearest}", asked.join("、")))
        }
        Status::Answered => None,
    }
}

/// A piece of a quote's text: a figure to highlight, or the text between figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece<'q> {
    pub text: &'q str,
    pub figure: bool,
}

/// The quote's text in pieces, in order, figures apart. Overlapping or out-of-range figures
/// are left in the plain text rather than trusted; empty pieces are left out.
pub fn pieces(quote: &Quote) -> Vec<Piece<'_>> {
    let text = quote.text();
    let mut pieces = Vec::new();
    let mut at = 0;
    for figure in quote.figures() {
        let range = figure.range.clone();
        if range.start < at
            || range.end > text.len()
            || !text.is_char_boundary(range.start)
            || !text.is_char_boundary(range.end)
        {
            continue;
        }
        pieces.push(Piece {
            text: &text[at..range.start],
            figure: false,
        });
        pieces.push(Piece {
            text: &text[range.clone()],
            figure: true,
        });
        at = range.end;
    }
    pieces.push(Piece {
        text: &text[at..],
        figure: false,
    });
    pieces.retain(|piece| !piece.text.is_empty());
    pieces
}
