//! Runs conformance scenarios (the format of `shared/conformance/README.md`)
//! with real tokio 1.24 + tokio-stream 0.1.9 on tokio's paused clock and prints
//! the timeline: one `<virtual ms>\t<text>\n` line per item the consumer gets.
//!
//! Usage:
//!   tokio_ref SCENARIO.json        print that scenario's timeline
//!   tokio_ref --batch              read one scenario JSON per stdin line; for
//!                                  each, print its timeline (or a line
//!                                  `ERROR <message>` if it failed) then a
//!                                  line `\x1e`

mod chans;
mod joinset;
mod json;
mod semaphore;
mod streams;

use std::future::Future;
use std::io::{BufRead, Write};
use std::pin::Pin;
use std::time::Duration;

use json::Json;
use tokio::sync::mpsc;
use tokio::time::{sleep, sleep_until, Instant};
use tokio_stream::wrappers::UnboundedReceiverStream;
use tokio_stream::{Stream, StreamExt};

type S = Pin<Box<dyn Stream<Item = String>>>;

thread_local! {
    /// Set by `TOKIO_REF_TRACE=1`: log every stage's polls and every send to stderr.
    static TRACE: bool = std::env::var_os("TOKIO_REF_TRACE").is_some();
    static START: std::cell::Cell<Option<Instant>> = std::cell::Cell::new(None);
}

fn tracing() -> bool {
    TRACE.with(|t| *t)
}

fn trace(what: std::fmt::Arguments) {
    if tracing() {
        let ms = START
            .with(|s| s.get())
            .map_or(0, |s| s.elapsed().as_millis());
        eprintln!("{ms:>6} {what}");
    }
}

/// A stage wrapper that logs its polls (only built when tracing).
struct Traced {
    label: String,
    inner: S,
}

impl Stream for Traced {
    type Item = String;
    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<String>> {
        let result = self.inner.as_mut().poll_next(cx);
        trace(format_args!("poll {} -> {:?}", self.label, result));
        result
    }
}

impl Drop for Traced {
    fn drop(&mut self) {
        trace(format_args!("drop {}", self.label));
    }
}

fn traced(label: impl Into<String>, inner: S) -> S {
    if tracing() {
        Box::pin(Traced {
            label: label.into(),
            inner,
        })
    } else {
        inner
    }
}

fn dur(ms: f64) -> Duration {
    assert!(ms >= 0.0 && ms.is_finite(), "bad duration {ms}");
    Duration::from_nanos((ms * 1e6).round() as u64)
}

/// Spawns the producer task of `spec` and returns the stream of its channel.
fn source(spec: &Json, start: Instant) -> S {
    let (tx, rx) = mpsc::unbounded_channel::<String>();
    if let Some(items) = spec.opt("items") {
        let close_at = spec.opt("close_at").map(Json::num);
        // An item due after the close is never sent.
        let items: Vec<(f64, String)> = items
            .arr()
            .iter()
            .map(|pair| (pair.arr()[0].num(), pair.arr()[1].str().to_owned()))
            .filter(|(at, _)| close_at.map_or(true, |c| *at <= c))
            .collect();
        drop(tokio::spawn(async move {
            for (at, text) in items {
                sleep_until(start + dur(at)).await;
                trace(format_args!("send {text}"));
                if tx.send(text).is_err() {
                    return;
                }
            }
            match close_at {
                Some(c) => {
                    sleep_until(start + dur(c)).await;
                    trace(format_args!("close after {:?}", tx.is_closed()));
                    drop(tx);
                }
                None => {
                    std::future::pending::<()>().await;
                    drop(tx);
                }
            }
        }));
    } else if let Some(gaps) = spec.opt("gaps") {
        let gaps: Vec<f64> = gaps.arr().iter().map(Json::num).collect();
        let texts: Vec<String> = spec
            .get("texts")
            .unwrap()
            .arr()
            .iter()
            .map(|t| t.str().to_owned())
            .collect();
        let close = spec.opt("close").map_or(true, Json::bool);
        drop(tokio::spawn(async move {
            for (gap, text) in gaps.into_iter().zip(texts) {
                sleep(dur(gap)).await;
                trace(format_args!("send {text}"));
                if tx.send(text).is_err() {
                    return;
                }
            }
            if close {
                trace(format_args!("close gaps source"));
                drop(tx);
            } else {
                std::future::pending::<()>().await;
                drop(tx);
            }
        }));
    } else if let Some(interval) = spec.opt("interval_ms") {
        let interval = dur(interval.num());
        let first = spec.opt("first").map_or(1.0, Json::num) as i64;
        drop(tokio::spawn(async move {
            let mut count = first - 1;
            loop {
                sleep(interval).await;
                count += 1;
                trace(format_args!("send {count}"));
                if tx.send(count.to_string()).is_err() {
                    break;
                }
            }
        }));
    } else {
        panic!("unknown source {spec:?}");
    }
    traced("recv", Box::pin(UnboundedReceiverStream::new(rx)))
}

fn text(result: Result<String, tokio_stream::Elapsed>) -> String {
    match result {
        Ok(item) => item,
        Err(reason) => format!("Problem: {reason:?}"),
    }
}

fn chain(mut stream: S, ops: &[Json], start: Instant) -> S {
    for op in ops {
        let kind = op.get("op").unwrap().str();
        stream = match kind {
            "map" => {
                let prefix = op.opt("prefix").map_or("", Json::str).to_owned();
                let suffix = op.opt("suffix").map_or("", Json::str).to_owned();
                Box::pin(stream.map(move |item| format!("{prefix}{item}{suffix}")))
            }
            "timeout" => Box::pin(stream.timeout(dur(op.get("ms").unwrap().num())).map(text)),
            "throttle" => Box::pin(stream.throttle(dur(op.get("ms").unwrap().num()))),
            "take" => Box::pin(stream.take(op.get("n").unwrap().num() as usize)),
            "merge" => {
                let with = op.get("with").unwrap();
                let inner = chain(
                    source(with.get("source").unwrap(), start),
                    with.opt("ops").map_or(&[][..], Json::arr),
                    start,
                );
                Box::pin(stream.merge(inner))
            }
            other => panic!("unknown op {other:?}"),
        };
        stream = traced(kind, stream);
    }
    stream
}

/// The book's listing 17-40, with the scenario's parameters.
fn listing(s: &Json, start: Instant) -> S {
    let letters: Vec<String> = match s.opt("letters") {
        None => "abcdefghij".chars().map(String::from).collect(),
        Some(Json::Str(text)) => text.chars().map(String::from).collect(),
        Some(list) => list.arr().iter().map(|l| l.str().to_owned()).collect(),
    };
    let gaps: Vec<f64> = s.opt("gaps").map_or(vec![100.0, 300.0], |g| {
        g.arr().iter().map(Json::num).collect()
    });
    let num = |key: &str, default: f64| s.opt(key).map_or(default, Json::num);
    let prefix = s
        .opt("interval_prefix")
        .map_or("Interval #", Json::str)
        .to_owned();

    let messages_spec = Json::Obj(vec![
        (
            "gaps".into(),
            Json::Arr(
                (0..letters.len())
                    .map(|i| Json::Num(gaps[i % gaps.len()]))
                    .collect(),
            ),
        ),
        (
            "texts".into(),
            Json::Arr(
                letters
                    .iter()
                    .map(|l| Json::Str(format!("Message: '{l}'")))
                    .collect(),
            ),
        ),
    ]);
    let messages = source(&messages_spec, start).timeout(dur(num("msg_timeout", 200.0)));
    let intervals_spec = Json::Obj(vec![(
        "interval_ms".into(),
        Json::Num(num("interval_ms", 1.0)),
    )]);
    let intervals = source(&intervals_spec, start)
        .map(move |count| format!("{prefix}{count}"))
        .throttle(dur(num("throttle_ms", 500.0)))
        .timeout(dur(num("interval_timeout_ms", 10_000.0)));
    let merged = messages.merge(intervals).take(num("take_n", 20.0) as usize);
    Box::pin(merged.map(text))
}

fn build(s: &Json, start: Instant) -> S {
    let src = |key: &str| {
        source(
            s.get(key).unwrap_or_else(|| panic!("missing `{key}`")),
            start,
        )
    };
    let ms = || dur(s.get("ms").unwrap().num());
    match s.get("scenario").unwrap().str() {
        "listing" => listing(s, start),
        "timeout" => Box::pin(src("source").timeout(ms()).map(text)),
        "throttle" => Box::pin(src("source").throttle(ms())),
        "take" => Box::pin(src("source").take(s.get("n").unwrap().num() as usize)),
        "merge" => Box::pin(src("a").merge(src("b"))),
        "streams" => streams::build(s, start),
        "chain" => chain(
            src("source"),
            s.opt("ops").map_or(&[][..], Json::arr),
            start,
        ),
        other => panic!("unknown scenario {other:?}"),
    }
}

fn fmt_ms(elapsed: Duration) -> String {
    let nanos = elapsed.as_nanos();
    if nanos % 1_000_000 == 0 {
        format!("{}", nanos / 1_000_000)
    } else {
        format!("{}", nanos as f64 / 1e6)
    }
}

/// Runs one scenario on a fresh current-thread runtime with a paused clock.
fn run(s: &Json) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    if let Some(out) = chans::run(&runtime, s) {
        drop(runtime);
        return out;
    }
    let trailer = s.opt("trailer").map_or(false, Json::bool);
    let end_ms = s.opt("end_ms").map_or(120_000.0, Json::num);
    let out = runtime.block_on(async {
        let start = Instant::now();
        START.with(|s| s.set(Some(start)));
        if s.get("scenario").map(Json::str) == Some("joinset") {
            return joinset::run(s, start, end_ms, trailer).await;
        }
        if s.get("scenario").map(Json::str) == Some("semaphore") {
            return semaphore::run(s, start, end_ms, trailer).await;
        }
        let mut stream = traced("top", build(s, start));
        let cutoff = start + dur(end_ms);
        let mut out = String::new();
        loop {
            let next: Pin<Box<dyn Future<Output = Option<String>>>> = Box::pin(stream.next());
            match tokio::time::timeout_at(cutoff, next).await {
                Ok(Some(item)) => {
                    out.push_str(&format!("{}\t{}\n", fmt_ms(start.elapsed()), item));
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
        out
    });
    drop(runtime);
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--batch") {
        // Quiet panics: the message is reported on stdout instead.
        std::panic::set_hook(Box::new(|_| {}));
        let stdin = std::io::stdin();
        let stdout = std::io::stdout();
        for line in stdin.lock().lines() {
            let line = line.expect("stdin");
            if line.trim().is_empty() {
                continue;
            }
            let result = std::panic::catch_unwind(|| {
                let scenario = json::parse(&line).unwrap_or_else(|e| panic!("bad JSON: {e}"));
                run(&scenario)
            });
            let mut out = stdout.lock();
            match result {
                Ok(timeline) => write!(out, "{timeline}\x1e\n").unwrap(),
                Err(e) => {
                    let msg = e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "panic".into());
                    write!(out, "ERROR {}\n\x1e\n", msg.replace('\n', " ")).unwrap();
                }
            }
            out.flush().unwrap();
        }
        return;
    }
    if args.len() != 1 {
        eprintln!("usage: tokio_ref SCENARIO.json | tokio_ref --batch");
        std::process::exit(2);
    }
    let text = std::fs::read_to_string(&args[0]).unwrap_or_else(|e| {
        eprintln!("cannot read {}: {e}", args[0]);
        std::process::exit(2);
    });
    let scenario = json::parse(&text).unwrap_or_else(|e| {
        eprintln!("cannot parse {}: {e}", args[0]);
        std::process::exit(2);
    });
    print!("{}", run(&scenario));
}
