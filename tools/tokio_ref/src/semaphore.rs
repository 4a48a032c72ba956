//! The `"semaphore"` scenario: tokio's `Semaphore` grant order and timing.
//!
//! ```json
//! { "scenario": "semaphore", "permits": 2,
//!   "tasks": [ { "label": "a", "at": 0, "n": 2, "hold": 100, "give_up": 50 }, ... ],
//!   "adds": [ [150, 1], ... ], "close_at": 400,
//!   "end_ms": 2000, "trailer": true }
//! ```
//!
//! Every task is spawned at time 0, in order. A task sleeps until `at`, then
//! acquires `n` permits (`acquire_many`), giving up after `give_up` ms when
//! that is set (`timeout`, which drops the acquire); it prints
//! `<ms>\t<label> acquired` (or `gave up`, or `closed` when the semaphore was
//! closed), holds the permit for `hold` ms and prints `<label> released` as it
//! drops it. A separate task, spawned after them, adds permits at each
//! `[ms, n]` of `adds` (printing `add <n>`) and closes the semaphore at
//! `close_at` (`close`), in time order. (`forget_permits` came after tokio
//! 1.24, the version this runner builds against.) The consumer prints `<END>` once every task has
//! ended, or `<CUTOFF>` at `end_ms`.

use crate::json::Json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::{sleep, sleep_until, timeout, Instant};

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

/// The timeline, shared by every task.
#[derive(Clone)]
struct Log {
    start: Instant,
    out: Arc<Mutex<String>>,
}

impl Log {
    fn line(&self, text: &str) {
        let ms = fmt_ms(self.start.elapsed());
        self.out.lock().unwrap().push_str(&format!("{ms}\t{text}\n"));
    }
}

/// One control event of the separate task.
enum Control {
    Add(usize),
    Close,
}

fn controls(s: &Json) -> Vec<(f64, Control)> {
    let mut events: Vec<(f64, Control)> = s
        .opt("adds")
        .map_or(&[][..], Json::arr)
        .iter()
        .map(|pair| (pair.arr()[0].num(), Control::Add(pair.arr()[1].num() as usize)))
        .collect();
    if let Some(at) = s.opt("close_at") {
        events.push((at.num(), Control::Close));
    }
    // A stable sort: at equal times, the adds, then the close.
    events.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    events
}

/// Runs the scenario on the current (paused) runtime; returns its timeline.
pub async fn run(s: &Json, start: Instant, end_ms: f64, trailer: bool) -> String {
    let sem = Arc::new(Semaphore::new(s.get("permits").unwrap().num() as usize));
    let log = Log { start, out: Arc::new(Mutex::new(String::new())) };
    let mut handles = Vec::new();
    for task in s.get("tasks").unwrap().arr() {
        let label = task.get("label").unwrap().str().to_owned();
        let at = task.opt("at").map_or(0.0, Json::num);
        let n = task.get("n").unwrap().num() as u32;
        let hold = task.opt("hold").map_or(0.0, Json::num);
        let give_up = task.opt("give_up").map(Json::num);
        let (sem, log) = (sem.clone(), log.clone());
        handles.push(tokio::spawn(async move {
            sleep_until(start + dur(at)).await;
            let acquired = match give_up {
                Some(ms) => match timeout(dur(ms), sem.acquire_many(n)).await {
                    Ok(result) => result,
                    Err(_) => {
                        log.line(&format!("{label} gave up"));
                        return;
                    }
                },
                None => sem.acquire_many(n).await,
            };
            let Ok(permit) = acquired else {
                log.line(&format!("{label} closed"));
                return;
            };
            log.line(&format!("{label} acquired"));
            sleep(dur(hold)).await;
            log.line(&format!("{label} released"));
            drop(permit);
        }));
    }
    let events = controls(s);
    let (control_sem, control_log) = (sem.clone(), log.clone());
    let controller = tokio::spawn(async move {
        for (at, event) in events {
            sleep_until(start + dur(at)).await;
            match event {
                Control::Add(n) => {
                    control_log.line(&format!("add {n}"));
                    control_sem.add_permits(n);
                }
                Control::Close => {
                    control_log.line("close");
                    control_sem.close();
                }
            }
        }
    });
    let cutoff = start + dur(end_ms);
    let all = async {
        for handle in handles {
            let _ = handle.await;
        }
    };
    let ended = tokio::time::timeout_at(cutoff, all).await.is_ok();
    controller.abort();
    if trailer {
        log.line(if ended { "<END>" } else { "<CUTOFF>" });
    }
    let out = log.out.lock().unwrap().clone();
    out
}
