//! The `"joinset"` scenario: tokio's `JoinSet` completion order.
//!
//! ```json
//! { "scenario": "joinset",
//!   "tasks": [ { "label": "a", "steps": [100, "yield", 0, 50] }, ... ],
//!   "aborts": [ [150, 1], ... ],
//!   "end_ms": 2000, "trailer": true }
//! ```
//!
//! Every task is spawned into one `JoinSet` at time 0, in order. A task runs
//! its steps (a number: `sleep(ms)`; `"yield"`: `yield_now()`) and returns
//! its label. A separate task, spawned after them, holds the `AbortHandle`s
//! and aborts task `i` at each `[ms, i]` of `aborts` (in the order given,
//! `sleep_until(start + ms)` before each). The consumer (the `block_on`
//! future) prints one line per `join_next()` result: `<ms>\t<label>`, or
//! `<ms>\tcancelled` for an aborted task; then `<END>` once the set is empty,
//! or `<CUTOFF>` at `end_ms`.

use crate::json::Json;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::{sleep, sleep_until, Instant};

fn dur(ms: f64) -> Duration {
    assert!(ms >= 0.0 && ms.is_finite(), "bad duration {ms}");
    Duration::from_nanos((ms * 1e6).round() as u64)
}

fn fmt_ms(elapsed: Duration) -> String {
    let nanos = elapsed.as_nanos();
    if nanos % 1_000_000 == 0 {
        format!("{}", nanos / 1_000_000)
    } else {
        format!("{}", nanos as f64 / 1e6)
    }
}

enum Step {
    Sleep(Duration),
    Yield,
}

fn steps(task: &Json) -> Vec<Step> {
    task.opt("steps")
        .map_or(&[][..], Json::arr)
        .iter()
        .map(|step| match step {
            Json::Str(s) if s == "yield" => Step::Yield,
            other => Step::Sleep(dur(other.num())),
        })
        .collect()
}

/// Runs the scenario on the current (paused) runtime; returns its timeline.
pub async fn run(s: &Json, start: Instant, end_ms: f64, trailer: bool) -> String {
    let mut set = JoinSet::new();
    let mut handles = Vec::new();
    for task in s.get("tasks").unwrap().arr() {
        let label = task.get("label").unwrap().str().to_owned();
        let steps = steps(task);
        handles.push(set.spawn(async move {
            for step in steps {
                match step {
                    Step::Sleep(d) => sleep(d).await,
                    Step::Yield => tokio::task::yield_now().await,
                }
            }
            label
        }));
    }
    let aborts: Vec<(f64, usize)> = s
        .opt("aborts")
        .map_or(&[][..], Json::arr)
        .iter()
        .map(|pair| (pair.arr()[0].num(), pair.arr()[1].num() as usize))
        .collect();
    let aborter = tokio::spawn(async move {
        for (at, index) in aborts {
            sleep_until(start + dur(at)).await;
            handles[index].abort();
        }
    });
    let cutoff = start + dur(end_ms);
    let mut out = String::new();
    loop {
        match tokio::time::timeout_at(cutoff, set.join_next()).await {
            Ok(Some(result)) => {
                let text = match result {
                    Ok(label) => label,
                    Err(e) if e.is_cancelled() => "cancelled".to_owned(),
                    Err(e) => format!("error {e}"),
                };
                out.push_str(&format!("{}\t{}\n", fmt_ms(start.elapsed()), text));
            }
            Ok(None) => {
                if trailer {
                    out.push_str(&format!("{}\t<END>\n", fmt_ms(start.elapsed())));
                }
                break;
            }
            Err(_) => {
                if trailer {
                    out.push_str(&format!("{}\t<CUTOFF>\n", fmt_ms(start.elapsed())));
                }
                break;
            }
        }
    }
    aborter.abort();
    out
}
