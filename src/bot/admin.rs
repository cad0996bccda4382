//! The admins' commands: `/reload` (rebuild the index in the background while questions are
//! answered from the old one, then swap), `/stats` and `/history` (the audit log).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::handlers::HandleError;
use super::outbox::Outbox;
use super::{BotState, redact};
use crate::engine::{Engine, IndexSummary, OpenOptions};
use crate::store::Filter;

/// Rows `/history` shows when it is given no number, and the most it shows.
pub(super) const HISTORY_ROWS: usize = 10;
const MAX_HISTORY_ROWS: usize = 50;

/// `/reload`: rebuilds the engine from the corpus on a worker thread while questions are
/// answered from the current one, swaps it in, and reports to the admin.
pub(super) async fn start_reload(out: &Outbox, state: &Arc<BotState>) -> Result<(), HandleError> {
    if state.reloading.swap(true, Ordering::SeqCst) {
        return out.notice("索引正在重建，完成后会告诉你。").await;
    }
    if let Err(err) = out
        .notice("开始从 corpus/ 重建索引；期间照常用原来的索引回答，完成后告诉你。")
        .await
    {
        state.reloading.store(false, Ordering::SeqCst);
        return Err(err);
    }
    let config = state.engine().config().clone();
    let state_for_task = state.clone();
    let out = out.clone();
    let task = tokio::spawn(async move {
        let state = state_for_task;
        let options = OpenOptions {
            rebuild: true,
            progress: false,
        };
        let built = tokio::task::spawn_blocking(move || Engine::open(config, options)).await;
        let report = match built {
            Ok(Ok(engine)) => {
                let report = reload_report(engine.summary());
                state.swap_engine(engine);
                tracing::info!("index rebuilt and swapped in");
                report
            }
            Ok(Err(err)) => {
                let err = redact::redact(&err.to_string());
                tracing::error!("index rebuild failed: {err}");
                format!("重建失败，仍在使用原来的索引：{err}")
            }
            Err(err) => {
                tracing::error!("index rebuild failed: {err}");
                "重建失败，仍在使用原来的索引。".to_string()
            }
        };
        state.reloading.store(false, Ordering::SeqCst);
        if let Err(err) = out.notice(&report).await {
            tracing::warn!(
                "cannot report the rebuild: {}",
                redact::redact(&err.to_string())
            );
        }
    });
    *state
        .reload_task
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(task);
    Ok(())
}

fn reload_report(summary: &IndexSummary) -> String {
    let mut report = format!(
        "索引已重建并启用：{} 个文件，{} 段，{} 句，用时 {:.1} 秒。",
        summary.n_files,
        summary.n_paragraphs,
        summary.n_sentences,
        summary.elapsed.as_secs_f64()
    );
    for warning in &summary.warnings {
        report.push_str(&format!("\n⚠ {warning}"));
    }
    if !summary.skipped.is_empty() {
        report.push_str(&format!("\n跳过 {} 个文件：", summary.skipped.len()));
        for skipped in &summary.skipped {
            report.push_str(&format!("\n· {}：{}", skipped.file, skipped.reason));
        }
    }
    report
}

pub(super) fn stats_text(state: &BotState) -> String {
    let stats = state.stats();
    let engine = state.engine();
    let summary = engine.summary();
    let uptime = stats.uptime.as_secs();
    format!(
        "运行时间：{} 天 {} 小时 {} 分\n\
         回答问题：{}（有引文 {}，没有找到 {}）\n\
         内联查询：{}；按钮：{}\n\
         拒绝：{}；限流：{}；出错：{}\n\
         索引：{} 个文件，{} 段，{} 句\n\
         处理时间：p50 {:.1} ms，p99 {:.1} ms（最近 {} 次）",
        uptime / 86_400,
        uptime % 86_400 / 3_600,
        uptime % 3_600 / 60,
        stats.answered + stats.not_found,
        stats.answered,
        stats.not_found,
        stats.inline_queries,
        stats.callbacks,
        stats.refusals,
        stats.rate_limited,
        stats.errors,
        summary.n_files,
        summary.n_paragraphs,
        summary.n_sentences,
        stats.p50.as_secs_f64() * 1e3,
        stats.p99.as_secs_f64() * 1e3,
        stats.n_timed,
    )
}

/// The last `n` rows of the audit log (at most [`MAX_HISTORY_ROWS`]), one a line.
pub(super) fn history_text(state: &BotState, n: usize) -> String {
    let filter = Filter {
        last: Some(n.clamp(1, MAX_HISTORY_ROWS)),
        ..Filter::default()
    };
    match state.audit().map(|log| log.read(&filter)) {
        Some(Ok(entries)) if entries.is_empty() => "审计记录为空。".to_string(),
        Some(Ok(entries)) => entries
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        Some(Err(err)) => {
            tracing::error!("cannot read the audit log: {err}");
            "无法读取审计记录，详见日志。".to_string()
        }
        None => "审计记录不可用。".to_string(),
    }
}
