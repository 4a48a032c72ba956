//! Channel scenarios (`"scenario": "broadcast"` and `"watch"`): tasks that
//! send into a tokio `sync::broadcast` / `sync::watch` channel at given times
//! and receivers that read it at their own pace, each logging what it sees.
//!
//! The timeline is grouped by actor (every sender's lines, then every
//! receiver's), each line `<virtual ms>\t<actor> <event>`: what each task
//! observed and when, independent of how tasks interleave within one instant.
//!
//! Times: senders act on multiples of 10 ms; receivers subscribe and wake from
//! their own sleeps only on instants ending in 5 (`ceil5`), so a receiver
//! never runs on a sender's instant except when a send wakes it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::json::Json;
use tokio::sync::{broadcast, watch};
use tokio::time::{sleep_until, Instant};
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};
use tokio_stream::StreamExt;

type Log = Arc<Mutex<Vec<(usize, String)>>>;

fn ms(start: Instant) -> u128 {
    start.elapsed().as_millis()
}

fn at(start: Instant, t: f64) -> Instant {
    start + Duration::from_millis(t as u64)
}

/// The first instant ending in 5 at or after `t`.
pub fn ceil5(t: u128) -> u128 {
    t + (15 - t % 10) % 10
}

fn push(log: &Log, actor: usize, start: Instant, event: String) {
    log.lock().unwrap().push((actor, format!("{}\t{}", ms(start), event)));
}

fn items(spec: &Json) -> Vec<(f64, String)> {
    spec.get("items")
        .unwrap()
        .arr()
        .iter()
        .map(|p| (p.arr()[0].num(), p.arr()[1].str().to_owned()))
        .collect()
}

struct Rx {
    at: f64,
    delay: f64,
    take: Option<usize>,
    /// Read through tokio-stream's wrapper instead of `recv()` / `changed()`.
    stream: bool,
}

fn receivers(s: &Json) -> Vec<Rx> {
    s.get("receivers")
        .unwrap()
        .arr()
        .iter()
        .map(|r| Rx {
            at: r.get("at").unwrap().num(),
            delay: r.opt("delay").map_or(0.0, Json::num),
            take: r.opt("take").and_then(|t| match t {
                Json::Null => None,
                t => Some(t.num() as usize),
            }),
            stream: r.opt("stream").map_or(false, Json::bool),
        })
        .collect()
}

/// After an item: sleep until the first instant ending in 5 after `delay`.
async fn pause(start: Instant, delay: f64) {
    if delay > 0.0 {
        let due = ceil5(ms(start) + delay as u128);
        sleep_until(at(start, due as f64)).await;
    }
}

fn close_at(spec: &Json) -> Option<f64> {
    spec.opt("close_at").and_then(|c| match c {
        Json::Null => None,
        c => Some(c.num()),
    })
}

/// Runs a channel scenario on `runtime` until `end_ms`, or returns None for any other kind.
pub fn run(runtime: &tokio::runtime::Runtime, s: &Json) -> Option<String> {
    let kind = s.get("scenario").unwrap().str();
    if kind != "broadcast" && kind != "watch" {
        return None;
    }
    let end_ms = s.opt("end_ms").map_or(120_000.0, Json::num);
    Some(runtime.block_on(async {
        let start = Instant::now();
        let log: Log = Arc::new(Mutex::new(Vec::new()));
        if kind == "broadcast" {
            run_broadcast(s, start, &log);
        } else {
            run_watch(s, start, &log);
        }
        sleep_until(at(start, end_ms)).await;
        timeline(&log)
    }))
}

fn run_broadcast(s: &Json, start: Instant, log: &Log) {
    let capacity = s.get("capacity").unwrap().num() as usize;
    let (tx, base) = broadcast::channel::<String>(capacity);
    let senders = s.get("senders").unwrap().arr();
    let receivers = receivers(s);
    let first_rx = senders.len();
    // Every sender is a clone made at 0; the original is dropped at once.
    for (j, spec) in senders.iter().enumerate() {
        let tx = tx.clone();
        let items = items(spec);
        let close = close_at(spec);
        let log = log.clone();
        drop(tokio::spawn(async move {
            for (t, text) in items {
                sleep_until(at(start, t)).await;
                match tx.send(text.clone()) {
                    Ok(n) => push(&log, j, start, format!("s{j} {text} -> {n}")),
                    Err(_) => push(&log, j, start, format!("s{j} {text} -> err")),
                }
            }
            match close {
                Some(c) => sleep_until(at(start, c)).await,
                None => std::future::pending::<()>().await,
            }
            drop(tx);
        }));
    }
    drop(tx);
    // The base receiver subscribes the others at their times, then is dropped.
    let log2 = log.clone();
    drop(tokio::spawn(async move {
        for (i, r) in receivers.into_iter().enumerate() {
            sleep_until(at(start, r.at)).await;
            let mut rx = base.resubscribe();
            let log = log2.clone();
            let actor = first_rx + i;
            if r.stream {
                drop(tokio::spawn(async move {
                    let mut stream = BroadcastStream::new(rx);
                    let mut seen = 0;
                    loop {
                        match stream.next().await {
                            Some(Ok(v)) => push(&log, actor, start, format!("r{i} {v}")),
                            Some(Err(BroadcastStreamRecvError::Lagged(n))) => {
                                push(&log, actor, start, format!("r{i} lagged {n}"))
                            }
                            None => {
                                push(&log, actor, start, format!("r{i} closed"));
                                return;
                            }
                        }
                        seen += 1;
                        if Some(seen) == r.take {
                            push(&log, actor, start, format!("r{i} done"));
                            return;
                        }
                        pause(start, r.delay).await;
                    }
                }));
                continue;
            }
            drop(tokio::spawn(async move {
                let mut seen = 0;
                loop {
                    match rx.recv().await {
                        Ok(v) => push(&log, actor, start, format!("r{i} {v}")),
                        Err(broadcast::error::RecvError::Lagged(n)) => {
                            push(&log, actor, start, format!("r{i} lagged {n}"))
                        }
                        Err(broadcast::error::RecvError::Closed) => {
                            push(&log, actor, start, format!("r{i} closed"));
                            return;
                        }
                    }
                    seen += 1;
                    if Some(seen) == r.take {
                        push(&log, actor, start, format!("r{i} done"));
                        return;
                    }
                    pause(start, r.delay).await;
                }
            }));
        }
        drop(base);
    }));
}

fn run_watch(s: &Json, start: Instant, log: &Log) {
    let init = s.get("init").unwrap().str().to_owned();
    let (tx, base) = watch::channel::<String>(init);
    let senders = s.get("senders").unwrap().arr();
    assert!(senders.len() == 1, "a watch scenario has one sender");
    let receivers = receivers(s);
    let spec = &senders[0];
    let items = items(spec);
    let close = close_at(spec);
    let log1 = log.clone();
    drop(tokio::spawn(async move {
        for (t, text) in items {
            sleep_until(at(start, t)).await;
            match tx.send(text.clone()) {
                Ok(()) => push(&log1, 0, start, format!("s0 {text} -> ok")),
                Err(_) => push(&log1, 0, start, format!("s0 {text} -> err")),
            }
        }
        match close {
            Some(c) => sleep_until(at(start, c)).await,
            None => std::future::pending::<()>().await,
        }
        drop(tx);
    }));
    // The base receiver (it never reads) is cloned for each receiver at its time.
    let log2 = log.clone();
    drop(tokio::spawn(async move {
        for (i, r) in receivers.into_iter().enumerate() {
            sleep_until(at(start, r.at)).await;
            let mut rx = base.clone();
            let log = log2.clone();
            let actor = 1 + i;
            if r.stream {
                drop(tokio::spawn(async move {
                    let mut stream = WatchStream::new(rx);
                    let mut seen = 0;
                    loop {
                        match stream.next().await {
                            Some(v) => push(&log, actor, start, format!("r{i} {v}")),
                            None => {
                                push(&log, actor, start, format!("r{i} closed"));
                                return;
                            }
                        }
                        seen += 1;
                        if Some(seen) == r.take {
                            push(&log, actor, start, format!("r{i} done"));
                            return;
                        }
                        pause(start, r.delay).await;
                    }
                }));
                continue;
            }
            drop(tokio::spawn(async move {
                let mut seen = 0;
                loop {
                    match rx.changed().await {
                        Ok(()) => {
                            let v = rx.borrow_and_update().clone();
                            push(&log, actor, start, format!("r{i} {v}"))
                        }
                        Err(_) => {
                            push(&log, actor, start, format!("r{i} closed"));
                            return;
                        }
                    }
                    seen += 1;
                    if Some(seen) == r.take {
                        push(&log, actor, start, format!("r{i} done"));
                        return;
                    }
                    pause(start, r.delay).await;
                }
            }));
        }
        drop(base);
    }));
}

/// The timeline: each actor's lines in order, actors in order.
pub fn timeline(log: &Log) -> String {
    let mut lines = log.lock().unwrap().clone();
    lines.sort_by_key(|(actor, _)| *actor);
    lines.into_iter().map(|(_, line)| line + "\n").collect()
}
