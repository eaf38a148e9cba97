//! The seed section's sentence: a case at half its ideal speed is said to run at 50 % efficiency,
//! with its time and its ideal.

mod common;

use common::*;
use concbench::report::sections;

#[test]
fn a_model_at_half_its_ideal_speed_is_reported_at_50_percent() {
    let mut file = fixture();
    let case = file
        .cases
        .iter_mut()
        .find(|c| c.id == "seed/io/threads/n3-w3-1s")
        .unwrap();
    for s in &mut case.samples {
        s.makespan_s = case.ideal_s.unwrap() * 2.0;
    }
    case.summary = concbench::run::summarise(&case.samples, case.ideal_s, case.summary.bottleneck);
    let data = data_of(file);
    let seed = sections::charts(&data)
        .into_iter()
        .find(|c| c.info().stem == "seed")
        .unwrap();
    let takeaway = seed.info().takeaway;
    assert!(
        takeaway.contains("threads N=3 ran at 50 % efficiency (2.000 s against an ideal 1.000 s)"),
        "{takeaway}"
    );
}
