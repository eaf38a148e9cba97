//! What the queue-workers section says, per shape of tasks: each broker's hop against
//! process-pool's (as a ratio), how close its makespan came to the ideal plus those hops, and what
//! the broker spent per task.

use super::data::Row;
use crate::render::fmt;

/// The sentences, one per shape that has a queue-workers case with a hop.
pub fn queue_workers(rows: &[Row]) -> String {
    let mut shapes: Vec<&str> = rows.iter().map(|r| r.shape.as_str()).collect();
    shapes.dedup();
    let said: Vec<String> = shapes
        .into_iter()
        .filter_map(|shape| {
            let of: Vec<&Row> = rows.iter().filter(|r| r.shape == shape).collect();
            shape_sentence(shape, &of)
        })
        .collect();
    match said.is_empty() {
        true => "No queue-workers case measured a hop.".into(),
        false => said.join(" "),
    }
}

fn shape_sentence(shape: &str, rows: &[&Row]) -> Option<String> {
    let pool = rows
        .iter()
        .find(|r| r.broker.is_none())
        .and_then(|r| r.hop_p50);
    let parts: Vec<String> = rows
        .iter()
        .filter(|r| r.broker.is_some())
        .filter_map(|r| {
            let hop = r.hop_p50?;
            let mut s = format!("through {} a task's hop was {}", broker(r), fmt::secs(hop));
            if let Some(p) = pool.filter(|p| *p > 0.0) {
                s += &format!(", {} process-pool's {}", fmt::times(hop / p), fmt::secs(p));
            }
            if let Some(plus) = r.ideal_plus_hops().filter(|p| *p > 0.0) {
                s += &format!(
                    "; its makespan was {} the ideal plus its hops",
                    fmt::times(r.makespan / plus)
                );
            }
            if let Some(cpu) = r.broker_cpu {
                s += &format!(
                    ", the broker spending {} of CPU per task",
                    fmt::secs(cpu / r.tasks.max(1) as f64)
                );
            }
            if r.failures > 0 {
                s += &format!(" ({} task(s) failed)", r.failures);
            }
            Some(s)
        })
        .collect();
    (!parts.is_empty()).then(|| format!("On {shape} (N = {}): {}.", rows[0].tasks, parts.join("; ")))
}

fn broker(r: &Row) -> String {
    match r.broker {
        Some(crate::names::BrokerKind::Own) => "the own broker".into(),
        Some(b) => b.to_string().replace("redis", "Redis"),
        None => "pipes".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::{BrokerKind, ModelKind};

    fn row(broker: Option<BrokerKind>, hop: f64) -> Row {
        Row {
            shape: "sleep 0ms".into(),
            model: match broker {
                Some(_) => ModelKind::QueueWorkers,
                None => ModelKind::ProcessPool,
            },
            broker,
            tasks: 200,
            k: 4,
            makespan: 0.2,
            ideal: Some(0.0),
            hop_p50: Some(hop),
            hop_p99: Some(hop * 2.0),
            broker_cpu: broker.map(|_| 0.02),
            failures: 0,
        }
    }

    #[test]
    fn each_brokers_hop_is_said_against_the_pools() {
        let rows = [
            row(None, 0.0002),
            row(Some(BrokerKind::Own), 0.0006),
            row(Some(BrokerKind::Redis), 0.0008),
        ];
        let s = queue_workers(&rows);
        assert!(s.starts_with("On sleep 0ms (N = 200): through the own broker"), "{s}");
        assert!(s.contains(&fmt::times(3.0)), "own: 3× the pool's: {s}");
        assert!(s.contains(&fmt::times(4.0)), "Redis: 4×: {s}");
        assert!(s.contains("Redis"), "{s}");
        // 200 tasks on 4 lanes: 50 hops of 0.6 ms = 30 ms on top of a zero ideal.
        assert!(s.contains(&fmt::times(0.2 / 0.03)), "{s}");
        assert_eq!(queue_workers(&rows[..1]), "No queue-workers case measured a hop.");
    }
}
