//! The barrier's ideal: when its units would end if nothing but their waits and the barrier took
//! time. A simulation of the shape itself, event by event: the model's lanes start units in order as
//! lanes come free; a unit arrives at the barrier its own seeded wait after it started; the T-th
//! arrival of a team releases the team at that instant; a team still short when its first arrival's
//! timeout runs out is broken then, and its units end. So a full team ends at its latest arrival,
//! a broken one at its first arrival plus the timeout, and with fewer lanes than T every team breaks.

/// The makespan of `arrivals` (each unit's wait before the barrier, seconds, in unit order) on
/// `lanes` lanes, teams of `team`, broken after `timeout` seconds.
pub fn makespan(arrivals: &[f64], lanes: usize, team: usize, timeout: f64) -> f64 {
    let lanes = lanes.max(1);
    let mut next = 0;
    // Started units still on their way to the barrier: when each arrives.
    let mut walking: Vec<f64> = Vec::new();
    // The forming team: its members' arrivals.
    let mut forming: Vec<f64> = Vec::new();
    let mut end = 0.0f64;
    let start = |now: f64, next: &mut usize, walking: &mut Vec<f64>, busy: usize| {
        let mut busy = busy;
        while busy < lanes && *next < arrivals.len() {
            walking.push(now + arrivals[*next]);
            *next += 1;
            busy += 1;
        }
    };
    start(0.0, &mut next, &mut walking, 0);
    // Each pass ends one unit's walk or one team: at most 2N passes.
    for _ in 0..2 * arrivals.len() + 1 {
        let arrival = walking
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, t)| (i, *t));
        let breaks = forming.first().map(|first| first + timeout);
        // An arrival at the very instant of a break joins the team before it breaks, as the
        // barrier's T-th arrival releases before any waiter's clock is read again.
        let arrives_first = match (arrival, breaks) {
            (None, None) => break,
            (Some((_, at)), Some(b)) => at <= b,
            (arrival, _) => arrival.is_some(),
        };
        match (arrives_first, arrival, breaks) {
            (true, Some((i, at)), _) => {
                walking.swap_remove(i);
                forming.push(at);
                if forming.len() >= team {
                    forming.clear();
                    end = end.max(at);
                    let busy = walking.len();
                    start(at, &mut next, &mut walking, busy);
                }
            }
            (_, _, Some(b)) => {
                forming.clear();
                end = end.max(b);
                let busy = walking.len();
                start(b, &mut next, &mut walking, busy);
            }
            _ => break,
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::makespan;

    #[test]
    fn a_full_team_ends_at_its_latest_arrival() {
        assert_eq!(makespan(&[0.1, 0.3, 0.2, 0.05], 4, 4, 1.0), 0.3);
        // Two teams on enough lanes: the latest arrival of all.
        assert_eq!(makespan(&[0.1, 0.3, 0.2, 0.05, 0.4, 0.0, 0.0, 0.0], 8, 4, 1.0), 0.4);
    }

    #[test]
    fn a_team_short_of_units_breaks_at_its_first_arrival_plus_the_timeout() {
        // Six units, teams of 4: the first four arrivals fill at 0.25, the last two (0.3, 0.4) break
        // at 0.3 + 0.2.
        let m = makespan(&[0.1, 0.3, 0.2, 0.05, 0.4, 0.25], 6, 4, 0.2);
        assert!((m - 0.5).abs() < 1e-12, "{m}");
    }

    #[test]
    fn fewer_lanes_than_a_team_break_every_team() {
        // 3 lanes, teams of 4, six units arriving at once: 3 break at 0.2, the next 3 at 0.4.
        let m = makespan(&[0.0; 6], 3, 4, 0.2);
        assert!((m - 0.4).abs() < 1e-12, "{m}");
        // One lane: each unit alone, its wait and the timeout.
        let m = makespan(&[0.1, 0.1], 1, 2, 0.2);
        assert!((m - 0.6).abs() < 1e-12, "{m}");
    }

    #[test]
    fn a_pool_of_a_team_runs_teams_one_after_another() {
        // 4 lanes, teams of 4, 8 units: the first four fill at 0.3, the next start then.
        let m = makespan(&[0.1, 0.3, 0.2, 0.05, 0.1, 0.1, 0.1, 0.1], 4, 4, 1.0);
        assert!((m - 0.4).abs() < 1e-12, "{m}");
    }
}
