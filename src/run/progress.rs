//! Progress on stderr while a run works: the case and repetition now running, and an ETA. The bar
//! counts expected seconds (each repetition weighted by its ideal), not repetitions, because a 1 s seed
//! case and a 20 ms sweep point are not the same amount of waiting.

use crate::plan::Case;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
    estimate_ms: u64,
}

/// Expected milliseconds of one repetition before it ran: its ideal, or a guess for cpu (10 ms a task)
/// and for a database (1 ms a write).
fn estimate(case: &Case, cores: usize) -> u64 {
    let guess = crate::workload::Calibration {
        t1: 0.01,
        scaling: 1.0,
        write: Some(crate::workload::WriteTimes {
            alone: 0.001,
            together: 0.001,
        }),
    };
    let ideal = case.ideal(cores, Some(guess)).unwrap_or(1.0);
    ((ideal + 0.02) * 1000.0) as u64
}

impl Progress {
    pub fn new(cases: &[Case], cores: usize, quiet: bool) -> Progress {
        let total: u64 = cases
            .iter()
            .map(|c| estimate(c, cores) * (c.warmup + c.repeat) as u64)
            .sum();
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        if quiet {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] ETA {eta:>4} {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        Progress {
            bar,
            estimate_ms: 0,
        }
    }

    pub fn start_rep(&mut self, id: &str, rep: usize, warmup: usize, repeat: usize) {
        let what = if rep < warmup {
            format!("warm-up {}/{warmup}", rep + 1)
        } else {
            format!("rep {}/{repeat}", rep - warmup + 1)
        };
        self.bar.set_message(format!("{id} {what}"));
    }

    /// One repetition done: advance by what it was expected to take.
    pub fn end_rep(&mut self, ideal_s: f64) {
        self.estimate_ms = ((ideal_s + 0.02) * 1000.0) as u64;
        self.bar.inc(self.estimate_ms);
    }

    /// What the run is doing besides a repetition (a probe).
    pub fn set_message(&self, msg: &str) {
        self.bar.set_message(msg.to_string());
    }

    /// A line above the bar (errors), so the bar does not overwrite it.
    pub fn println(&self, line: &str) {
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
