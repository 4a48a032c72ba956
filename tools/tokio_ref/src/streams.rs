//! Stream-adapter scenarios (`"scenario": "streams"`): futures-util's
//! bounded concurrency (`buffered`, `buffer_unordered`), `zip`, `chunks`,
//! `ready_chunks`, `enumerate`, `flatten`, `select_all`, tokio-stream's
//! `map_while` and `StreamMap`, and tokio's interval missed-tick behaviours.
//! `kind` picks the pipeline; sources are `crate::source` specs. Items print
//! as text; `main.rs` consumes the stream as for every stream scenario.

use std::time::Duration;

use crate::json::Json;
use crate::{dur, source, S};

use tokio::time::{interval_at, sleep, Instant, MissedTickBehavior};
use tokio_stream::wrappers::IntervalStream;
use tokio_stream::{StreamExt, StreamMap};

/// The stream of scenario `s` (`"scenario": "streams"`).
pub fn build(s: &Json, start: Instant) -> S {
    let src = |key: &str| source(s.get(key).unwrap(), start);
    let num = |key: &str| s.get(key).unwrap().num();
    let sources = || -> Vec<S> {
        s.get("sources").unwrap().arr().iter().map(|spec| source(spec, start)).collect()
    };
    match s.get("kind").unwrap().str() {
        "map_async" => map_async(src("source"), s),
        "zip" => Box::pin(StreamExt::map(futures_util::StreamExt::zip(src("a"), src("b")), |(a, b)| {
            format!("{a}|{b}")
        })),
        "chunks" => Box::pin(StreamExt::map(
            futures_util::StreamExt::chunks(src("source"), num("n") as usize),
            |items| items.join(","),
        )),
        "ready_chunks" => Box::pin(StreamExt::map(
            futures_util::StreamExt::ready_chunks(src("source"), num("n") as usize),
            |items| items.join(","),
        )),
        "enumerate" => Box::pin(StreamExt::map(futures_util::StreamExt::enumerate(src("source")), |(i, x)| {
            format!("{i}:{x}")
        })),
        "map_while" => {
            let stop = s.get("stop").unwrap().str().to_owned();
            Box::pin(src("source").map_while(move |x| if x == stop { None } else { Some(x) }))
        }
        "flatten" => Box::pin(futures_util::StreamExt::flatten(tokio_stream::iter(sources()))),
        "select_all" => Box::pin(futures_util::stream::select_all(sources())),
        "stream_map" => {
            let mut map = StreamMap::new();
            for (i, stream) in sources().into_iter().enumerate() {
                map.insert(format!("k{i}"), stream);
            }
            Box::pin(map.map(|(k, x)| format!("{k} {x}")))
        }
        "interval" => interval(s, start),
        other => panic!("unknown streams kind {other:?}"),
    }
}

/// Each item waits `delays[i % len]` ms (i counts items) and comes out as
/// `item`; `n` at once, in order or as they finish.
fn map_async(stream: S, s: &Json) -> S {
    let delays: Vec<f64> = s.get("delays").unwrap().arr().iter().map(Json::num).collect();
    let n = s.get("n").unwrap().num() as usize;
    let ordered = s.opt("ordered").map_or(true, Json::bool);
    let futures = futures_util::StreamExt::map(futures_util::StreamExt::enumerate(stream), move |(i, item)| {
        let delay = dur(delays[i % delays.len()]);
        async move {
            sleep(delay).await;
            item
        }
    });
    if ordered {
        Box::pin(futures_util::StreamExt::buffered(futures, n))
    } else {
        Box::pin(futures_util::StreamExt::buffer_unordered(futures, n))
    }
}

/// `interval_at(start + start_ms, period)` with a missed-tick behaviour,
/// throttled by `throttle_ms` (a slow reader makes ticks late), `take` ticks,
/// each printed as its due time in ms since the start.
fn interval(s: &Json, start: Instant) -> S {
    let num = |key: &str| s.get(key).unwrap().num();
    let mut ticks = interval_at(start + dur(num("start_ms")), dur(num("period")));
    ticks.set_missed_tick_behavior(match s.get("behavior").unwrap().str() {
        "burst" => MissedTickBehavior::Burst,
        "delay" => MissedTickBehavior::Delay,
        "skip" => MissedTickBehavior::Skip,
        other => panic!("unknown behavior {other:?}"),
    });
    let stream = IntervalStream::new(ticks);
    let throttle = s.opt("throttle_ms").map_or(0.0, Json::num);
    let take = num("take") as usize;
    let ms = move |at: Instant| {
        let since: Duration = at - start;
        crate::fmt_ms(since)
    };
    if throttle > 0.0 {
        Box::pin(stream.throttle(dur(throttle)).take(take).map(ms))
    } else {
        Box::pin(stream.take(take).map(ms))
    }
}
