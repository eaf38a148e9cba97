//! Seeded draws per request. Which requests are slow or fail must not depend on the order a model
//! happens to send them in, so a draw is a pure function of the seed, the request's key (its task number
//! and attempt, as the client says them in `X-Task` / `X-Attempt`) and what is being drawn: two servers
//! with the same seed make the same choices for the same task, whichever model asks and in whatever order.

/// Who a request is, for the draws: the client's task number and its attempt at that task (0 first; a
/// retry or a hedge sends the next, so it meets a fresh draw instead of the same fate again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestKey {
    pub task: u64,
    pub attempt: u64,
}

/// What a draw decides; each its own stream, so a slow task is no likelier to fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Delay = 1,
    DelayAgain = 2,
    Fail = 3,
}

/// splitmix64's finaliser: every input bit reaches every output bit, so neighbouring task numbers draw
/// unrelated values.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A uniform value in [0, 1) for `key` on `stream` under `seed`.
pub fn unit(seed: u64, stream: Stream, key: RequestKey) -> f64 {
    const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = mix(seed.wrapping_add(GOLDEN));
    for word in [stream as u64, key.task, key.attempt] {
        h = mix(h ^ word.wrapping_add(GOLDEN));
    }
    // The top 53 bits: every value exactly representable, 1.0 never reached.
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// The request key a request's headers give: `X-Task: N` and, optionally, `X-Attempt: A` (default 0).
/// None when there is no `X-Task` or it is not a number; the server then keys by arrival index.
pub fn key_from_headers<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Option<RequestKey> {
    let (mut task, mut attempt) = (None, 0);
    for (name, value) in headers {
        let number = || std::str::from_utf8(value).ok()?.trim().parse::<u64>().ok();
        if name.eq_ignore_ascii_case("x-task") {
            task = Some(number()?);
        } else if name.eq_ignore_ascii_case("x-attempt") {
            attempt = number()?;
        }
    }
    Some(RequestKey {
        task: task?,
        attempt,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(task: u64) -> RequestKey {
        RequestKey { task, attempt: 0 }
    }

    #[test]
    fn a_draw_depends_on_seed_stream_task_and_attempt_alone() {
        let a = unit(7, Stream::Fail, key(17));
        assert_eq!(a, unit(7, Stream::Fail, key(17)));
        assert_ne!(a, unit(8, Stream::Fail, key(17)));
        assert_ne!(a, unit(7, Stream::Delay, key(17)));
        assert_ne!(a, unit(7, Stream::Fail, key(18)));
        assert_ne!(
            a,
            unit(
                7,
                Stream::Fail,
                RequestKey {
                    task: 17,
                    attempt: 1
                }
            )
        );
    }

    #[test]
    fn draws_are_uniform_enough_to_hold_a_share() {
        // 20,000 tasks at p = 0.05: the binomial's sd is 31, so ±150 fails only for a broken mixer.
        let hits = (0..20_000)
            .filter(|&t| unit(1, Stream::Fail, key(t)) < 0.05)
            .count();
        assert!((850..=1150).contains(&hits), "{hits}");
        let mean = (0..20_000)
            .map(|t| unit(2, Stream::Delay, key(t)))
            .sum::<f64>()
            / 20_000.0;
        assert!((mean - 0.5).abs() < 0.01, "{mean}");
    }

    #[test]
    fn keys_come_from_x_task_and_x_attempt() {
        let h = |pairs: &[(&'static str, &'static str)]| {
            key_from_headers(pairs.iter().map(|(n, v)| (*n, v.as_bytes())))
        };
        assert_eq!(h(&[("Host", "x"), ("x-task", " 17 ")]), Some(key(17)));
        assert_eq!(
            h(&[("X-Attempt", "2"), ("X-Task", "5")]),
            Some(RequestKey {
                task: 5,
                attempt: 2
            })
        );
        assert_eq!(h(&[("Host", "x")]), None);
        assert_eq!(h(&[("X-Task", "seventeen")]), None);
        assert_eq!(h(&[("X-Task", "1"), ("X-Attempt", "-1")]), None);
    }
}
