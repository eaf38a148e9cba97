//! The `concbench` binary: parse the command line, call the library, map the outcome to an exit code
//! (0 ok, 1 a run that could not measure everything, 2 bad input, 128 + signal when interrupted).
//! What it prints goes through `output::print`, so a reader that stops early (`| head`) changes no
//! exit code.

use clap::Parser;
use concbench::cli::{Cli, Command};
use concbench::error::UsageError;
use concbench::output::print;
use concbench::run::{self, RunOptions};

fn main() {
    std::process::exit(real_main());
}

fn real_main() -> i32 {
    // The measured processes skip clap: building the whole command line's description allocates
    // hundreds of kilobytes that would show in every case's peak RSS as the model's.
    match std::env::args().nth(1).as_deref() {
        Some("__case") => return run::case::case_main(),
        Some("__worker") => return concbench::model::worker_main(),
        Some("__ipc") => return concbench::workload::ipc::peer::peer_main(),
        Some("__broker") => {
            let args: Vec<String> = std::env::args().skip(2).collect();
            return concbench::model::own_broker::broker_main(&args);
        }
        _ => {}
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return 0;
        }
        Err(e) => {
            eprintln!("concbench: {} (see --help)", concbench::cli::one_line(&e));
            return 2;
        }
    };
    let result = match cli.command {
        Command::Run(args) => run_command(*args),
        Command::List => print(&concbench::cli::list()).map(|_| 0),
        Command::Schema => print(&concbench::results::ResultFile::schema_json()).map(|_| 0),
        Command::Report(args) => report_command(&args),
        Command::Calibrate(args) => calibrate_command(&args),
        Command::Compare(args) => concbench::compare::compare_main(&args),
        Command::Advise(args) => concbench::advise::run(&args)
            .and_then(|t| print(&t))
            .map(|_| 0),
        Command::Serve(args) => Ok(concbench_server::run_cli(&args)),
        Command::Case => Ok(run::case::case_main()),
        Command::Worker => Ok(concbench::model::worker_main()),
        Command::QueueWorker(args) => {
            concbench::model::queue_worker::worker_main(&args).map(|()| 0)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) if e.downcast_ref::<UsageError>().is_some() => {
            eprintln!("concbench: {e}");
            2
        }
        Err(e) => {
            eprintln!("concbench: {e:#}");
            1
        }
    }
}

fn run_command(args: concbench::cli::RunArgs) -> anyhow::Result<i32> {
    let plan = args.validate()?;
    // Before anything else starts, so every thread and child inherits the restriction.
    let split = args.cpus.map(run::affinity::restrict).transpose()?;
    let opts = RunOptions {
        cases: plan.cases,
        suite: plan.suite,
        exe: std::env::current_exe()?,
        target: plan.target,
        out: args.out.clone(),
        machine: run::this_machine(args.machine_id.as_deref()),
        quiet: args.quiet,
        command: std::env::args().collect(),
        server_cpus: split.map(|s| s.server),
        order: args.order,
        seed: plan.seed,
        broker_key: args.key.clone(),
        broker_listen: args.broker_listen,
    };
    let outcome = run::run(opts)?;
    let mut text = run::summary_table(&outcome.file);
    if let Some(table) = concbench::report::sections::fidelity::of_file(&outcome.file) {
        text += &format!("\n{}", concbench::render::markdown::table(&table));
        text += &format!("{}\n", table.note);
    }
    print(&text)?;
    eprintln!("results: {}", outcome.path.display());
    if let Some(why) = outcome.nothing_measured() {
        eprintln!("concbench: {why}");
    }
    Ok(outcome.exit_code())
}

fn calibrate_command(args: &concbench::calibrate::CalibrateArgs) -> anyhow::Result<i32> {
    let outcome = concbench::calibrate::calibrate(args, std::env::args().collect())?;
    let table = concbench::report::sections::calibrate::of_file(&outcome.file);
    print(&format!(
        "{}{}\n",
        concbench::render::markdown::table(&table),
        table.note
    ))?;
    if let Some(rate) = concbench::report::sections::calibrate::rate_of_file(&outcome.file) {
        print(&format!(
            "\n{}{}\n",
            concbench::render::markdown::table(&rate),
            rate.note
        ))?;
    }
    eprintln!("results: {}", outcome.path.display());
    Ok(match outcome.interrupted {
        Some(sig) => 128 + sig,
        None if !outcome.errors.is_empty() => 1,
        None => 0,
    })
}

fn report_command(args: &concbench::report::ReportArgs) -> anyhow::Result<i32> {
    let outcome = concbench::report::report(args)?;
    for s in &outcome.skipped {
        eprintln!("skipped {}: {}", s.path.display(), s.why);
    }
    print(&format!("{}\n", outcome.index.display()))?;
    Ok(0)
}
