//! Every name is spelled once: for every variant of every name enum (each declared with
//! `name_enum!`), its name, Display, `FromStr`, serde spelling and clap spelling agree and round-trip,
//! and no two variants share a spelling. A name enum added to src/ and not to this list fails
//! `every_name_enum_is_checked_here`.

use concbench::client::ClientKind;
use concbench::compare::gate::FailOn;
use concbench::compare::{Format, Rule, Verdict};
use concbench::names::{
    Bottleneck, BrokerKind, CoordinationShape, FailureKind, Group, LoadGenerator, ModelKind, Name,
    ServerKind,
};
use concbench::plan::Suite;
use concbench::report::sections::scale::anchors::Shape;
use concbench::report::sections::scale::data::Unit;
use concbench::run::order::Order;
use concbench::workload::contention::SyncKind;
use concbench::workload::io::On429;
use concbench::workload::ipc::Transport;
use concbench::workload::{Connect, DbKind, WorkloadKind};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;

fn round_trip<T>() -> &'static str
where
    T: Name + std::str::FromStr<Err = String> + Serialize + DeserializeOwned + clap::ValueEnum,
{
    let what = std::any::type_name::<T>().rsplit("::").next().unwrap();
    let all = T::all();
    assert!(!all.is_empty(), "{what} has no variants");
    for &v in all {
        let name = v.name();
        assert!(!name.is_empty(), "{what}::{v:?} has no name");
        assert_eq!(v.to_string(), name, "{what}::{v:?}: Display");
        assert_eq!(name.parse::<T>(), Ok(v), "{what}::{v:?}: FromStr");
        let json = serde_json::to_value(v).unwrap();
        assert_eq!(
            json,
            serde_json::Value::String(name.into()),
            "{what}::{v:?}: serde"
        );
        assert_eq!(serde_json::from_value::<T>(json).unwrap(), v);
        let clap = v.to_possible_value().expect("no variant is skipped");
        assert_eq!(clap.get_name(), name, "{what}::{v:?}: clap");
        assert_eq!(
            <T as clap::ValueEnum>::from_str(name, false),
            Ok(v),
            "{what}::{v:?}: clap parse"
        );
    }
    let mut names: Vec<&str> = all.iter().map(|v| v.name()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), all.len(), "{what}: two variants share a name");
    let err = "no such name".parse::<T>().unwrap_err();
    assert!(err.contains(all[0].name()), "{what}: {err}");
    what
}

/// Every name enum there is, by the name its `name_enum!` gives it.
fn checked() -> Vec<&'static str> {
    vec![
        round_trip::<ModelKind>(),
        round_trip::<Group>(),
        round_trip::<ServerKind>(),
        round_trip::<LoadGenerator>(),
        round_trip::<FailureKind>(),
        round_trip::<Bottleneck>(),
        round_trip::<WorkloadKind>(),
        round_trip::<ClientKind>(),
        round_trip::<DbKind>(),
        round_trip::<Connect>(),
        round_trip::<Suite>(),
        round_trip::<Format>(),
        round_trip::<Rule>(),
        round_trip::<Verdict>(),
        round_trip::<FailOn>(),
        round_trip::<Unit>(),
        round_trip::<Shape>(),
        round_trip::<Order>(),
        round_trip::<On429>(),
        round_trip::<CoordinationShape>(),
        round_trip::<Transport>(),
        round_trip::<BrokerKind>(),
        round_trip::<SyncKind>(),
    ]
}

#[test]
fn every_name_round_trips_through_every_spelling() {
    checked();
}

/// The enums `name_enum!` declares in src/: `pub enum X` after a `name_enum! {` (within a macro's
/// own body too, as the model and workload registries do).
fn declared(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            declared(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, _) in text.match_indices("name_enum! {") {
            let rest = &text[i..];
            let at = rest
                .find("pub enum ")
                .expect("a name_enum! declares an enum")
                + 9;
            let name: String = rest[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // The macro's own definition spells `pub enum $name`.
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
}

#[test]
fn every_name_enum_is_checked_here() {
    let mut found = Vec::new();
    declared(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    found.sort();
    let mut checked: Vec<String> = checked().into_iter().map(String::from).collect();
    checked.sort();
    assert_eq!(
        found, checked,
        "a name enum of src/ is missing from checked()"
    );
}
