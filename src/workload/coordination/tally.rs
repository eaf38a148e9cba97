//! What units that wait on each other measured over one repetition, beyond their makespan: the most
//! units a semaphore ever admitted at once, the items a handoff delivered (and any delivered twice or
//! never), the teams a barrier filled and broke. The workload counts them inside its primitives as the
//! units run; the case process reads them after the model ran (`Workload::tally`) and the result file
//! keeps them per sample, so the report can show what each shape did, not only how long it took.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One repetition's count of what its shape did; a field is present only for the shape that counts it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    /// semaphore: its permits, P.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permits: Option<usize>,
    /// semaphore: the most units inside at once, counted inside the held section (never above P).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_admitted: Option<usize>,
    /// semaphore: releases refused because every permit was already free (a bounded semaphore's
    /// error; 0 unless a unit released twice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_released: Option<usize>,
    /// condition, channel: items the producer handed over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub produced: Option<u64>,
    /// condition, channel: items consumers took, counting one taken twice twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumed: Option<u64>,
    /// condition, channel: items taken more than once (each extra take counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicated: Option<u64>,
    /// condition, channel: items no consumer took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<u64>,
    /// barrier: teams that filled and went through together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams_filled: Option<u64>,
    /// barrier: teams whose timeout broke them before they filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams_broken: Option<u64>,
}

impl Tally {
    /// Whether a handoff delivered every item exactly once.
    pub fn exactly_once(&self) -> Option<bool> {
        Some(self.duplicated? == 0 && self.missing? == 0 && self.consumed? == self.produced?)
    }
}
