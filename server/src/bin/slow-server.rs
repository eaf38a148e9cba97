//! `slow-server`: the thin binary over the server library.

fn main() {
    std::process::exit(concbench_server::cli::main_from_args(std::env::args_os()));
}
