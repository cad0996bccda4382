//! The corpus managed from Telegram by admins, in their private chat: a document sent to the
//! bot (PDF, DOCX, HTML, TXT, Markdown) is checked, saved into `corpus/` under a safe name and
//! the index rebuilt in the background (the `/reload` swap); `/remove N` asks for a press on
//! a confirmation button, then deletes document N's file and rebuilds. Nothing is written for
//! anyone else, nor for a file that is too big, of another kind or without readable text.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt as _;
use teloxide::net::Download as _;
use teloxide::prelude::*;
use teloxide::types::{Document, InlineKeyboardButton, InlineKeyboardMarkup};

use super::admin::start_reload;
use super::callback::{self, Action};
use super::handlers::HandleError;
use super::outbox::Outbox;
use super::{BotState, TgBot, redact};
use crate::corpus::{DOCUMENT_EXTENSIONS, extract};

/// The largest file a bot may download through the Bot API (20 MB).
pub const MAX_UPLOAD_BYTES: u64 = 20 * 1024 * 1024;
/// The longest file name kept, in characters (before the extension).
const MAX_NAME_CHARS: usize = 80;

pub(super) const ADMINS_ONLY: &str = "抱歉，只有管理员可以向资料库添加或删除文档；文件没有保存。";

/// A document sent by an admin: checked, saved into the corpus folder, the index rebuilt.
pub(super) async fn add(
    bot: &TgBot,
    out: &Outbox,
    state: &Arc<BotState>,
    document: &Document,
) -> Result<(), HandleError> {
    let sent_name = document.file_name.clone().unwrap_or_default();
    let Some(name) = safe_name(&sent_name) else {
        return out
            .notice(&format!(
                "无法添加“{}”：只接受 {} 文件。",
                sent_name,
                DOCUMENT_EXTENSIONS.join("、")
            ))
            .await;
    };
    let size = u64::from(document.file.size);
    if size > MAX_UPLOAD_BYTES {
        return out
            .notice(&format!(
                "无法添加“{name}”：文件有 {:.1} MB，超过 {} MB 的上限。",
                size as f64 / 1048576.0,
                MAX_UPLOAD_BYTES / (1024 * 1024)
            ))
            .await;
    }
    let bytes = match download(bot, &document.file.id.0).await {
        Ok(bytes) => bytes,
        Err(why) => {
            tracing::warn!("cannot download {name}: {}", redact::redact(&why));
            return out.notice(&format!("无法下载“{name}”，请再发一次。")).await;
        }
    };
    let checked = {
        let (name, bytes) = (name.clone(), bytes.clone());
        tokio::task::spawn_blocking(move || extract(&name, &bytes).map(drop)).await
    };
    match checked {
        Ok(Ok(())) => {}
        Ok(Err(reason)) => {
            return out
                .notice(&format!("无法添加“{name}”：{reason}。文件没有保存。"))
                .await;
        }
        Err(_) => {
            return out
                .notice(&format!("无法添加“{name}”：读取时出错。文件没有保存。"))
                .await;
        }
    }
    let corpus_dir = state.engine().config().corpus_dir.clone();
    let saved = tokio::task::spawn_blocking(move || save(&corpus_dir, &name, &bytes)).await;
    match saved {
        Ok(Ok(path)) => {
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            out.notice(&format!("已保存为 corpus/{file}。")).await?;
            start_reload(out, state).await
        }
        Ok(Err(err)) => {
            tracing::error!("cannot save an uploaded document: {err}");
            out.notice("无法保存文件，详见日志。").await
        }
        Err(_) => out.notice("无法保存文件，详见日志。").await,
    }
}

/// The file's bytes, at most [`MAX_UPLOAD_BYTES`] of them.
async fn download(bot: &TgBot, file_id: &str) -> Result<Vec<u8>, String> {
    let file = bot
        .get_file(teloxide::types::FileId(file_id.to_string()))
        .await
        .map_err(|err| err.to_string())?;
    let mut stream = bot.download_file_stream(&file.path);
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.map_err(|err| err.to_string())?);
        if bytes.len() as u64 > MAX_UPLOAD_BYTES {
            return Err("larger than the upload limit".to_string());
        }
    }
    Ok(bytes)
}

/// Writes `bytes` as `name` in `dir` without replacing a file: `name`, else `name-2` … The file
/// appears whole or not at all (written hidden, synced, renamed).
fn save(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    use std::io::Write as _;
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, "txt"));
    let mut scratch = tempfile::Builder::new()
        .prefix(".upload-")
        .tempfile_in(dir)?;
    scratch.write_all(bytes)?;
    scratch.as_file().sync_all()?;
    for n in 1..1000 {
        let candidate = match n {
            1 => dir.join(name),
            n => dir.join(format!("{stem}-{n}.{extension}")),
        };
        match scratch.persist_noclobber(&candidate) {
            Ok(_) => return Ok(candidate),
            Err(err) if err.error.kind() == std::io::ErrorKind::AlreadyExists => {
                scratch = err.file;
            }
            Err(err) => return Err(err.error),
        }
    }
    Err(std::io::Error::other("no free file name"))
}

/// A file name safe to write into the corpus folder: no folders, no leading dot, only letters,
/// digits, CJK, `-`, `_` and `.`; None unless it ends in a document extension.
pub fn safe_name(sent: &str) -> Option<String> {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let (stem, extension) = base.rsplit_once('.')?;
    let extension = extension.to_lowercase();
    if !DOCUMENT_EXTENSIONS.contains(&extension.as_str()) {
        return None;
    }
    let stem: String = stem
        .chars()
        .map(|ch| match ch {
            ch if ch.is_alphanumeric() || ch == '-' || ch == '_' => ch,
            _ => '_',
        })
        .take(MAX_NAME_CHARS)
        .collect();
    let stem = stem.trim_start_matches(['_', '.']);
    let stem = if stem.is_empty() { "document" } else { stem };
    Some(format!("{stem}.{extension}"))
}

/// `/remove N`: names the document and asks for a press on the confirmation button.
pub(super) async fn ask_to_remove(
    out: &Outbox,
    state: &BotState,
    number: Option<u32>,
) -> Result<(), HandleError> {
    let Some(number) = number else {
        return out
            .notice("用法：/remove 文档编号（用 /docs 查看编号）。")
            .await;
    };
    let Some(doc) = state
        .engine()
        .documents()
        .into_iter()
        .find(|doc| doc.number == number)
    else {
        return out
            .notice(&format!("没有编号为 {number} 的文档。用 /docs 查看编号。"))
            .await;
    };
    let button = |label: &str, confirmed| {
        InlineKeyboardButton::callback(
            label.to_string(),
            callback::encode(&Action::Remove { number, confirmed }),
        )
    };
    let keyboard = InlineKeyboardMarkup::new([[button("确认删除", true), button("取消", false)]]);
    let text = format!(
        "要从资料库删除文档 [{number}] {}（{}）吗？删除后索引会重建。",
        doc.source.label(),
        doc.file
    );
    out.send(super::render::render_notice(&text), Some(keyboard))
        .await
}

/// The confirmed removal: document `number`'s file deleted, the index rebuilt.
pub(super) async fn remove(
    out: &Outbox,
    state: &Arc<BotState>,
    number: u32,
) -> Result<(), HandleError> {
    let engine = state.engine();
    let Some(doc) = engine
        .documents()
        .into_iter()
        .find(|doc| doc.number == number)
    else {
        return out
            .notice(&format!("没有编号为 {number} 的文档（可能已经删除）。"))
            .await;
    };
    let path = engine.config().corpus_dir.join(&doc.file);
    match std::fs::remove_file(&path) {
        Ok(()) => {
            out.notice(&format!("已删除 {}。", doc.file)).await?;
            start_reload(out, state).await
        }
        Err(err) => {
            tracing::error!("cannot remove {}: {err}", path.display());
            out.notice(&format!("无法删除 {}：{err}", doc.file)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe_and_only_documents_taken() {
        assert_eq!(safe_name("报告.PDF").as_deref(), Some("报告.pdf"));
        assert_eq!(
            safe_name("../../etc/passwd.txt").as_deref(),
            Some("passwd.txt")
        );
        assert_eq!(
            safe_name("..\\win\\a b;rm -rf.docx").as_deref(),
            Some("a_b_rm_-rf.docx")
        );
        assert_eq!(safe_name(".hidden.md").as_deref(), Some("hidden.md"));
        assert_eq!(safe_name("..html").as_deref(), Some("document.html"));
        assert_eq!(safe_name("photo.jpg"), None);
        assert_eq!(safe_name("no_extension"), None);
    }

    #[test]
    fn saving_never_replaces_a_file() {
        let dir = tempfile::TempDir::new().unwrap();
        let first = save(dir.path(), "a.txt", "一。".as_bytes()).unwrap();
        let second = save(dir.path(), "a.txt", "二。".as_bytes()).unwrap();
        assert_eq!(first.file_name().unwrap(), "a.txt");
        assert_eq!(second.file_name().unwrap(), "a-2.txt");
        assert_eq!(std::fs::read_to_string(first).unwrap(), "一。");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2, "no scratch file left behind");
    }
}
